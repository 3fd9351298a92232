#!/usr/bin/python3
"""Generate the tiny ONNX fixtures used by the server tests.

Run from the repository root with the Debian interpreter:

    /usr/bin/python3 tools/make_fixtures.py

Writes into server/src/test/resources/fixtures/ (override with --out-dir), for each fixture:
  <name>.onnx           tiny model with deterministic random weights (torch.manual_seed(seed))
  <name>.json           sidecar in the same schema as models/fashion-mnist/model.json
  <name>.labels.txt     class labels, one per line
  <name>.expected.json  PyTorch reference outputs for a few fixed inputs (for ORT comparison tests)
The weights are random: the fixtures exercise shapes/dtypes/layouts, not accuracy.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_mnist_idx as idx  # noqa: E402
import model_sidecar as sc  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 13
RGB_LABELS = ["red", "green", "blue", "dark", "light"]


class TinyGray(nn.Module):
    """conv4x4/s4(1->4)+ReLU -> FC(196->10). Input float32 NCHW [N,1,28,28], normalised."""

    def __init__(self, softmax=False):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=4, stride=4)
        self.fc = nn.Linear(4 * 7 * 7, 10)
        self.softmax = softmax

    def forward(self, x):
        x = torch.flatten(F.relu(self.conv(x)), 1)
        x = self.fc(x)
        return F.softmax(x, dim=1) if self.softmax else x


class Uint8Nhwc(nn.Module):
    """uint8 NHWC [N,28,28,1] -> cast, /255, (x-mean)/std, NHWC->NCHW -> TinyGray."""

    def __init__(self):
        super().__init__()
        self.net = TinyGray()

    def forward(self, x):
        x = x.to(torch.float32) * (1.0 / 255.0)
        x = (x - sc.FASHION_MEAN) / sc.FASHION_STD
        x = x.permute(0, 3, 1, 2)
        return self.net(x)


class TinyRgb(nn.Module):
    """conv4x4/s4(3->4)+ReLU -> FC(256->5). Input float32 NCHW [N,3,32,32], ImageNet-normalised."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, kernel_size=4, stride=4)
        self.fc = nn.Linear(4 * 8 * 8, len(RGB_LABELS))

    def forward(self, x):
        return self.fc(torch.flatten(F.relu(self.conv(x)), 1))


def fashion_test_image(data_dir, index=0):
    images, labels = idx.load_split(data_dir, "t10k")
    return images[index], int(labels[index])


def export(model, example, path, input_name, output_name, dynamic):
    model.eval()
    dyn = {input_name: {0: "batch"}, output_name: {0: "batch"}} if dynamic else None
    torch.onnx.export(model, example, path, input_names=[input_name], output_names=[output_name],
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    return sc.describe_onnx(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", default=os.path.join(REPO, "server/src/test/resources/fixtures"))
    ap.add_argument("--data-dir", default=idx.DEFAULT_DATA_DIR)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out_dir, exist_ok=True)

    img0, label0 = fashion_test_image(args.data_dir, 0)
    img0_f = torch.from_numpy(((img0.astype(np.float32) / 255.0 - sc.FASHION_MEAN) / sc.FASHION_STD)
                              .astype(np.float32))
    gray_f32_inputs = [
        ("all elements 0.0", torch.zeros(1, 1, 28, 28)),
        ("all elements 0.5", torch.full((1, 1, 28, 28), 0.5)),
        ("Fashion-MNIST test image 0 (label %d), (pixel/255-0.2860)/0.3530" % label0, img0_f.view(1, 1, 28, 28)),
    ]
    fashion_pre = dict(color_mode="GRAY", width=28, height=28, resize_shorter_side=28)

    fixtures = []

    def emit(name, model, example, inputs, output_name, sidecar, labels, dynamic=True):
        path = os.path.join(args.out_dir, name + ".onnx")
        io = export(model, example, path, "input", output_name, dynamic)
        sc.write_json(os.path.join(args.out_dir, name + ".json"), sidecar)
        sc.write_labels(os.path.join(args.out_dir, name + ".labels.txt"), labels)
        with torch.no_grad():
            expected = [{"input": desc, "output": [round(float(v), 6) for v in model(x)[0]]}
                        for desc, x in inputs]
        sc.write_json(os.path.join(args.out_dir, name + ".expected.json"),
                      {"model": name + ".onnx", "seed": args.seed, "tolerance": 1e-4, "cases": expected})
        fixtures.append((name, io, os.path.getsize(path)))

    torch.manual_seed(args.seed)
    emit("fixed_batch1", TinyGray(), torch.zeros(1, 1, 28, 28), gray_f32_inputs, "logits",
         sc.model_json("fixed_batch1", labels="fixed_batch1.labels.txt", **fashion_pre),
         idx.LABELS, dynamic=False)

    torch.manual_seed(args.seed + 1)
    u8_inputs = [
        ("all elements 0", torch.zeros(1, 28, 28, 1, dtype=torch.uint8)),
        ("all elements 128", torch.full((1, 28, 28, 1), 128, dtype=torch.uint8)),
        ("Fashion-MNIST test image 0 (label %d), raw uint8 pixels" % label0,
         torch.from_numpy(img0.copy()).view(1, 28, 28, 1)),
    ]
    emit("uint8_nhwc", Uint8Nhwc(), torch.zeros(1, 28, 28, 1, dtype=torch.uint8), u8_inputs, "logits",
         sc.model_json("uint8_nhwc", labels="uint8_nhwc.labels.txt", scale=1.0, mean=[0.0], std=[1.0],
                       layout="NHWC", dtype="UINT8", **fashion_pre),
         idx.LABELS)

    torch.manual_seed(args.seed + 2)
    emit("probabilities", TinyGray(softmax=True), torch.zeros(1, 1, 28, 28), gray_f32_inputs, "probabilities",
         sc.model_json("probabilities", labels="probabilities.labels.txt", output="probabilities",
                       **fashion_pre),
         idx.LABELS)

    torch.manual_seed(args.seed + 3)
    rgb_inputs = [
        ("all elements 0.0", torch.zeros(1, 3, 32, 32)),
        ("all elements 0.5", torch.full((1, 3, 32, 32), 0.5)),
    ]
    emit("rgb_tiny", TinyRgb(), torch.zeros(1, 3, 32, 32), rgb_inputs, "logits",
         sc.model_json("rgb_tiny", labels="rgb_tiny.labels.txt", width=32, height=32, color_mode="RGB",
                       resize_shorter_side=36, mean=sc.IMAGENET_MEAN, std=sc.IMAGENET_STD),
         RGB_LABELS)

    for name, io, size in fixtures:
        print("%-20s %6d bytes  %s" % (name + ".onnx", size,
                                        "; ".join("%s %s %s %s" % (k, n, t, s) for k, n, t, s in io)))


if __name__ == "__main__":
    main()
