#!/usr/bin/python3
"""Generate the torchvision parity data for the imaging module's tests.

Run from the repository root with the Debian interpreter (torchvision 0.14, Pillow 9.4):

    /usr/bin/python3 tools/make_preprocess_refs.py [--sources DIR]

Two stages:

1. With --sources DIR (a scikit-image ``data`` directory, e.g. the one shipped by Debian's
   python3-skimage package: /usr/lib/python3/dist-packages/skimage/data), (re)create the small
   committed inputs in imaging/src/test/resources/parity/ from the original photographs
   (rocket.jpg, coffee.png, chelsea.png, astronaut.png). Without it, the committed inputs are used.
2. For every case, run the torchvision eval pipeline on the committed input and write the output as
   raw little-endian data, gzip-compressed (``.f32.gz`` = float32, ``.u8.gz`` = uint8), plus
   manifest.csv describing input, spec and reference of each case.

The pipeline is our documented definition of preprocessing: Image.open, ImageOps.exif_transpose,
convert("RGB") / convert("L") (BGR = RGB with channels swapped afterwards), transforms.Resize,
transforms.CenterCrop, ToTensor + Normalize (FLOAT32) or the raw uint8 pixels (UINT8).
"""
import argparse
import gzip
import io
import os
import struct
import zlib

import numpy as np
import torch
from PIL import Image, ImageOps
from torchvision import transforms as T

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "imaging", "src", "test", "resources", "parity")

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

# name -> spec (mirrors dev.classifier.imaging.PreprocessSpec fields)
SPECS = {
    "imagenet": dict(width=224, height=224, color="RGB", resize=256, interpolation="BILINEAR",
                     center_crop=True, mean=IMAGENET_MEAN, std=IMAGENET_STD, layout="NCHW",
                     pixel_type="FLOAT32"),
    "gray28": dict(width=28, height=28, color="GRAY", resize=0, interpolation="BILINEAR",
                   center_crop=False, mean=[0.5], std=[0.5], layout="NCHW", pixel_type="FLOAT32"),
    "uint8_nhwc": dict(width=224, height=224, color="RGB", resize=256, interpolation="BILINEAR",
                       center_crop=True, mean=[0.0], std=[1.0], layout="NHWC", pixel_type="UINT8"),
    # bicubic upscale to a shorter side smaller than the crop: exercises CenterCrop's zero padding
    "bicubic_bgr_pad": dict(width=240, height=200, color="BGR", resize=180,
                            interpolation="BICUBIC", center_crop=True, mean=[0.5, 0.4, 0.3],
                            std=[0.2, 0.25, 0.3], layout="NHWC", pixel_type="FLOAT32"),
    "nearest_u8": dict(width=96, height=80, color="RGB", resize=100, interpolation="NEAREST",
                       center_crop=True, mean=[0.0], std=[1.0], layout="NCHW", pixel_type="UINT8"),
}

# case -> (input file, spec name)
CASES = [
    ("rocket_landscape", "rocket_landscape.jpg", "imagenet"),
    ("rocket_landscape_u8", "rocket_landscape.jpg", "uint8_nhwc"),
    ("coffee_png", "coffee_landscape.png", "imagenet"),
    ("coffee_png_gray28", "coffee_landscape.png", "gray28"),
    ("coffee_png_u8", "coffee_landscape.png", "uint8_nhwc"),
    ("coffee_png_bicubic_bgr_pad", "coffee_landscape.png", "bicubic_bgr_pad"),
    ("coffee_png_nearest", "coffee_landscape.png", "nearest_u8"),
    ("astronaut_portrait", "astronaut_portrait.jpg", "imagenet"),
    ("astronaut_444_progressive", "astronaut_444_progressive.jpg", "uint8_nhwc"),
    ("chelsea_small", "chelsea_small.jpg", "imagenet"),
    ("chelsea_gray_jpeg", "chelsea_gray.jpg", "imagenet"),
    ("chelsea_gray_jpeg_gray28", "chelsea_gray.jpg", "gray28"),
    ("coffee_cmyk_jpeg", "coffee_cmyk.jpg", "imagenet"),
    ("chelsea_rgba_png", "chelsea_rgba.png", "imagenet"),
    ("chelsea_la_png", "chelsea_la.png", "imagenet"),
    ("chelsea_palette_png", "chelsea_palette.png", "imagenet"),
    ("coffee_rgb16_png", "coffee_rgb16.png", "imagenet"),
    ("rocket_exif6_jpeg", "rocket_exif6.jpg", "imagenet"),
    ("rocket_exif5_jpeg", "rocket_exif5.jpg", "nearest_u8"),
]


def _png16(path, arr16):
    """Write an 16-bit RGB PNG (Pillow cannot write one)."""
    h, w, _ = arr16.shape
    raw = b"".join(b"\x00" + arr16[y].astype(">u2").tobytes() for y in range(h))

    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def _with_orientation(im, path, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, quality=90, exif=exif.tobytes())


def make_inputs(src):
    os.makedirs(OUT, exist_ok=True)
    rocket = Image.open(os.path.join(src, "rocket.jpg")).convert("RGB")  # 640x427
    coffee = Image.open(os.path.join(src, "coffee.png")).convert("RGB")  # 600x400
    chelsea = Image.open(os.path.join(src, "chelsea.png")).convert("RGB")  # 451x300
    astronaut = Image.open(os.path.join(src, "astronaut.png")).convert("RGB")  # 512x512

    rocket.save(os.path.join(OUT, "rocket_landscape.jpg"), quality=90)
    coffee = coffee.resize((480, 320), Image.LANCZOS)
    coffee.save(os.path.join(OUT, "coffee_landscape.png"), optimize=True)
    astronaut.crop((96, 16, 416, 496)).save(os.path.join(OUT, "astronaut_portrait.jpg"),
                                             quality=90)  # 320x480
    astronaut.crop((96, 16, 416, 496)).resize((200, 300), Image.LANCZOS).save(
        os.path.join(OUT, "astronaut_444_progressive.jpg"), quality=90, subsampling=0,
        progressive=True)
    chelsea.resize((120, 80), Image.LANCZOS).save(os.path.join(OUT, "chelsea_small.jpg"),
                                                  quality=90)
    chelsea.convert("L").save(os.path.join(OUT, "chelsea_gray.jpg"), quality=90)
    coffee.resize((300, 200), Image.LANCZOS).convert("CMYK").save(
        os.path.join(OUT, "coffee_cmyk.jpg"), quality=90)

    small = chelsea.resize((300, 200), Image.LANCZOS)
    a = np.asarray(small)
    yy, xx = np.mgrid[0:200, 0:300]
    alpha = np.clip((xx * 255) // 299 + (yy % 50 == 0) * 40, 0, 255).astype(np.uint8)
    alpha[:, :30] = 0  # fully transparent strip: PIL keeps the RGB underneath
    Image.fromarray(np.dstack([a, alpha]), "RGBA").save(os.path.join(OUT, "chelsea_rgba.png"),
                                                        optimize=True)
    Image.fromarray(np.dstack([np.asarray(small.convert("L")), alpha]), "LA").save(
        os.path.join(OUT, "chelsea_la.png"), optimize=True)
    small.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(
        os.path.join(OUT, "chelsea_palette.png"), optimize=True)
    c16 = np.asarray(coffee.resize((240, 160), Image.LANCZOS)).astype(np.uint16)
    # 16-bit samples whose low byte is noise: PIL keeps only the high byte
    noise = np.random.default_rng(7).integers(0, 256, c16.shape, dtype=np.uint16)
    _png16(os.path.join(OUT, "coffee_rgb16.png"), c16 * 256 + noise)

    stored = rocket.resize((300, 200), Image.LANCZOS)
    _with_orientation(stored, os.path.join(OUT, "rocket_exif6.jpg"), 6)
    _with_orientation(stored.crop((0, 0, 200, 150)), os.path.join(OUT, "rocket_exif5.jpg"), 5)


def pipeline(spec):
    ops = []
    interp = getattr(T.InterpolationMode, spec["interpolation"])
    if spec["resize"] > 0:
        ops.append(T.Resize(spec["resize"], interpolation=interp))
    else:
        ops.append(T.Resize((spec["height"], spec["width"]), interpolation=interp))
    if spec["center_crop"]:
        ops.append(T.CenterCrop((spec["height"], spec["width"])))
    return T.Compose(ops)


def run_case(path, spec):
    with open(path, "rb") as f:
        im = Image.open(io.BytesIO(f.read()))
        im = ImageOps.exif_transpose(im)
        im = im.convert("L" if spec["color"] == "GRAY" else "RGB")
    im = pipeline(spec)(im)
    hwc = np.asarray(im)
    if hwc.ndim == 2:
        hwc = hwc[:, :, None]
    if spec["color"] == "BGR":
        hwc = hwc[:, :, ::-1]
    if spec["pixel_type"] == "UINT8":
        arr = np.ascontiguousarray(hwc)
        if spec["layout"] == "NCHW":
            arr = np.ascontiguousarray(arr.transpose(2, 0, 1))
        return arr.astype(np.uint8)
    t = T.ToTensor()(np.ascontiguousarray(hwc))  # CHW float32, /255
    t = T.Normalize(spec["mean"], spec["std"])(t)
    if spec["layout"] == "NHWC":
        t = t.permute(1, 2, 0).contiguous()
    return t.numpy().astype("<f4")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", help="scikit-image data directory holding the original photos")
    args = ap.parse_args()
    if args.sources:
        make_inputs(args.sources)

    rows = ["case,input,width,height,color,resize,interpolation,center_crop,mean,std,layout,"
            "pixel_type,reference,shape"]
    for case, inp, spec_name in CASES:
        spec = SPECS[spec_name]
        out = run_case(os.path.join(OUT, inp), spec)
        ext = ".u8.gz" if spec["pixel_type"] == "UINT8" else ".f32.gz"
        ref = case + ext
        with gzip.GzipFile(os.path.join(OUT, ref), "wb", mtime=0) as f:
            f.write(out.tobytes())
        rows.append(",".join([
            case, inp, str(spec["width"]), str(spec["height"]), spec["color"], str(spec["resize"]),
            spec["interpolation"], str(spec["center_crop"]).lower(),
            " ".join(repr(float(v)) for v in spec["mean"]),
            " ".join(repr(float(v)) for v in spec["std"]),
            spec["layout"], spec["pixel_type"], ref, "x".join(str(d) for d in out.shape)]))
        print(f"{case:30s} {inp:24s} {spec_name:16s} shape={out.shape}")
    with open(os.path.join(OUT, "manifest.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
