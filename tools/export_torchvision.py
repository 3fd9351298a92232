#!/usr/bin/python3
"""Export randomly initialised torchvision ResNet-50 and MobileNetV2 to ONNX for benchmarking.

    /usr/bin/python3 tools/export_torchvision.py [--out models/bench] [--models resnet50,mobilenet_v2]

Weights are random (weights=None, torch.manual_seed(0)): these models are for latency/throughput
benchmarks only, their predictions are meaningless. Output per model: <out>/<name>/model.onnx
(input "input" float32 [N,3,224,224], output "logits" [N,1000]), model.json (ImageNet preprocessing)
and labels.txt (placeholder labels class_0..class_999).
The output directory (~115 MB) must not be committed: /models/bench/ belongs in the root .gitignore.
"""
import argparse
import os
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model_sidecar as sc  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILDERS = {
    "resnet50": torchvision.models.resnet50,
    "mobilenet_v2": torchvision.models.mobilenet_v2,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "models/bench"))
    ap.add_argument("--models", default=",".join(BUILDERS))
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()
    torch.set_num_threads(2)

    for name in args.models.split(","):
        t0 = time.time()
        torch.manual_seed(0)
        model = BUILDERS[name](weights=None).eval()
        out_dir = os.path.join(args.out, name)
        os.makedirs(out_dir, exist_ok=True)
        path = os.path.join(out_dir, "model.onnx")
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=args.opset, do_constant_folding=True)
        if os.path.exists(path + ".data"):
            # torch >= 2.9 (dynamo exporter) writes the weights to model.onnx.data; the server reads
            # one file's bytes, so fold them back into model.onnx (< 2 GB for these models)
            import onnx
            onnx.save(onnx.load(path), path, save_as_external_data=False)
            os.remove(path + ".data")
        io = sc.describe_onnx(path)
        sc.write_json(os.path.join(out_dir, "model.json"),
                      sc.model_json(name, width=224, height=224, color_mode="RGB", resize_shorter_side=256,
                                    mean=sc.IMAGENET_MEAN, std=sc.IMAGENET_STD))
        sc.write_labels(os.path.join(out_dir, "labels.txt"), ["class_%d" % i for i in range(1000)])
        print("%s: %s (%.1f MB, %.1fs) %s" % (name, path, os.path.getsize(path) / 1e6, time.time() - t0,
                                              "; ".join("%s %s %s %s" % x for x in io)), flush=True)

    print("Reminder: %s must stay out of git - add '/models/bench/' to the repository root .gitignore."
          % os.path.abspath(args.out))


if __name__ == "__main__":
    main()
