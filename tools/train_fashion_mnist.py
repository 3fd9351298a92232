#!/usr/bin/python3
"""Reproducibly train the default Fashion-MNIST CNN and export it to ONNX.

Run from the repository root with the Debian interpreter:

    /usr/bin/python3 tools/train_fashion_mnist.py

Needs: apt-get install dataset-fashion-mnist python3-torch python3-torchvision python3-onnx python3-pil
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_mnist_idx as idx  # noqa: E402
import model_sidecar as sc  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FashionCNN(nn.Module):
    """conv(1->32,3x3)+ReLU+maxpool2 -> conv(32->64,3x3)+ReLU+maxpool2 -> FC(3136->128)+ReLU -> FC(128->10)."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True


def to_tensor(images):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - sc.FASHION_MEAN) / sc.FASHION_STD


@torch.no_grad()
def predict(model, x, batch_size=1000):
    model.eval()
    return torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=idx.DEFAULT_DATA_DIR)
    ap.add_argument("--out-dir", default=os.path.join(REPO, "server/src/main/resources/models/fashion-mnist"))
    ap.add_argument("--samples-dir", default=os.path.join(REPO, "samples/fashion-mnist"))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()

    seed_everything(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)

    train_images, train_labels = idx.load_split(args.data_dir, "train")
    test_images, test_labels = idx.load_split(args.data_dir, "t10k")
    x_train, y_train = to_tensor(train_images), torch.from_numpy(train_labels.astype(np.int64))
    x_test, y_test = to_tensor(test_images), torch.from_numpy(test_labels.astype(np.int64))

    model = FashionCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)
    n_params = sum(p.numel() for p in model.parameters())
    print("parameters: %d, train: %d, test: %d" % (n_params, len(x_train), len(x_test)), flush=True)

    t0 = time.time()
    epoch_log = []
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(x_train), generator=gen)
        total_loss, seen = 0.0, 0
        for i in range(0, len(perm), args.batch_size):
            b = perm[i:i + args.batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_train[b]), y_train[b])
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(b)
            seen += len(b)
        acc = (predict(model, x_test).argmax(1) == y_test).float().mean().item()
        epoch_log.append({"epoch": epoch + 1, "train_loss": round(total_loss / seen, 5),
                          "test_top1": round(acc, 5), "elapsed_seconds": round(time.time() - t0, 1)})
        print(json.dumps(epoch_log[-1]), flush=True)
    train_seconds = time.time() - t0

    # Final evaluation over the full test set.
    logits = predict(model, x_test)
    top5 = logits.topk(5, dim=1).indices
    correct1 = (top5[:, 0] == y_test)
    correct5 = (top5 == y_test[:, None]).any(1)
    per_class = {}
    for c, label in enumerate(idx.LABELS):
        m = y_test == c
        per_class[label] = {"class_index": c, "correct": int(correct1[m].sum()), "total": int(m.sum()),
                            "accuracy": round(float(correct1[m].float().mean()), 4)}
    n = len(y_test)

    # Export to ONNX with a dynamic batch dimension.
    model.eval()
    onnx_path = os.path.join(args.out_dir, "model.onnx")
    torch.onnx.export(model, x_test[:1], onnx_path, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=args.opset, do_constant_folding=True)
    io = sc.describe_onnx(onnx_path)  # runs onnx.checker
    print("onnx ok:", io)

    sc.write_labels(os.path.join(args.out_dir, "labels.txt"), idx.LABELS)
    sc.write_json(os.path.join(args.out_dir, "model.json"), sc.model_json("fashion-mnist"))

    # Samples: the first two test images of each class, in test-set order.
    samples = write_samples(args.samples_dir, test_images, test_labels)
    sample_results = []
    for i in samples:
        probs = F.softmax(logits[i], dim=0)
        p = int(probs.argmax())
        sample_results.append({"test_index": i, "file": sample_name(i, int(test_labels[i])),
                               "label": int(test_labels[i]), "predicted": p,
                               "predicted_label": idx.LABELS[p],
                               "probability": round(float(probs[p]), 4)})

    training = {
        "model": "fashion-mnist",
        "architecture": "conv3x3(1->32)+ReLU+maxpool2, conv3x3(32->64)+ReLU+maxpool2, "
                        "FC(3136->128)+ReLU, FC(128->10)",
        "parameters": n_params,
        "seed": args.seed,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "optimizer": "Adam",
        "learning_rate": args.lr,
        "threads": torch.get_num_threads(),
        "train_wall_clock_seconds": round(train_seconds, 1),
        "torch_version": torch.__version__,
        "onnx_opset": args.opset,
        "normalization": {"mean": sc.FASHION_MEAN, "std": sc.FASHION_STD},
        "dataset": {"name": "Fashion-MNIST", "source": args.data_dir, "train_images": len(x_train),
                    "test_images": n},
        "test_top1": round(float(correct1.float().mean()), 4),
        "test_top1_correct": int(correct1.sum()),
        "test_top5": round(float(correct5.float().mean()), 4),
        "test_top5_correct": int(correct5.sum()),
        "test_total": n,
        "per_class_top1": per_class,
        "epoch_log": epoch_log,
        "samples": sample_results,
        "onnx": [{"kind": k, "name": nm, "type": t, "shape": s} for k, nm, t, s in io],
    }
    sc.write_json(os.path.join(args.out_dir, "training.json"), training)
    print("test top-1 %.4f (%d/%d), top-5 %.4f (%d/%d), training %.1fs" % (
        training["test_top1"], training["test_top1_correct"], n,
        training["test_top5"], training["test_top5_correct"], n, train_seconds))


def sample_name(i, c):
    return "%04d-%d-%s.png" % (i, c, idx.slug(idx.LABELS[c]))


def write_samples(samples_dir, images, labels, per_class=2):
    from PIL import Image
    os.makedirs(samples_dir, exist_ok=True)
    chosen = []
    counts = [0] * len(idx.LABELS)
    for i, c in enumerate(labels):
        if counts[c] < per_class:
            counts[c] += 1
            chosen.append(i)
            if len(chosen) == per_class * len(idx.LABELS):
                break
    for i in chosen:
        Image.fromarray(images[i], mode="L").save(os.path.join(samples_dir, sample_name(i, int(labels[i]))))
    return chosen


if __name__ == "__main__":
    main()
