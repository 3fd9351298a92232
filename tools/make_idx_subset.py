#!/usr/bin/python3
"""Write the first N Fashion-MNIST test images/labels as uncompressed IDX files (for evaluation tests).

    /usr/bin/python3 tools/make_idx_subset.py [--count 1000]

Output: server/src/test/resources/fixtures/fashion-mnist-test-<N>/{t10k-images-idx3-ubyte,t10k-labels-idx1-ubyte}
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_mnist_idx as idx  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=idx.DEFAULT_DATA_DIR)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--out-dir", default=None,
                    help="default: server/src/test/resources/fixtures/fashion-mnist-test-<count>")
    args = ap.parse_args()
    out = args.out_dir or os.path.join(REPO, "server/src/test/resources/fixtures",
                                       "fashion-mnist-test-%d" % args.count)
    images, labels = idx.load_split(args.data_dir, "t10k")
    if not 0 < args.count <= len(images):
        ap.error("--count must be in 1..%d" % len(images))
    os.makedirs(out, exist_ok=True)
    idx.write_idx(os.path.join(out, "t10k-images-idx3-ubyte"), images[:args.count])
    idx.write_idx(os.path.join(out, "t10k-labels-idx1-ubyte"), labels[:args.count])
    # Round-trip check.
    assert (idx.read_idx(os.path.join(out, "t10k-images-idx3-ubyte")) == images[:args.count]).all()
    assert (idx.read_idx(os.path.join(out, "t10k-labels-idx1-ubyte")) == labels[:args.count]).all()
    counts = [int((labels[:args.count] == c).sum()) for c in range(len(idx.LABELS))]
    print("wrote %d images to %s; per-class counts %s" % (args.count, out, counts))


if __name__ == "__main__":
    main()
