#!/usr/bin/python3
"""Generate the "slow" ONNX fixture used by the e2e watchdog / SIGTERM tests.

Run from the repository root with the Debian interpreter (apt-get install python3-onnx):

    /usr/bin/python3 tools/make_slow_model.py

Writes server/src/test/resources/fixtures/slow.onnx (also used by the e2e module): input "input" float32 [N,1,28,28], output "logits"
float32 [N,10] = flatten(input) @ W + loop_sum. The Loop runs 10^12 (effectively forever) trivial
iterations when any input value exceeds 100, and none otherwise, so warm-up (random inputs in
[-1, 1]) is fast and a request holding a pixel of 1000 hangs in session.run until ONNX Runtime's
RunOptions terminate flag ends it (the executor checks the flag before each node, loop bodies
included).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "server", "src", "test", "resources", "fixtures", "slow.onnx")


def main():
    rng = np.random.default_rng(7)
    w = numpy_helper.from_array((rng.standard_normal((784, 10)) * 0.05).astype(np.float32), "W")
    threshold = numpy_helper.from_array(np.array(100.0, dtype=np.float32), "threshold")
    forever = numpy_helper.from_array(np.array(10**12, dtype=np.int64), "forever")
    zeros = numpy_helper.from_array(np.zeros((10,), dtype=np.float32), "zeros")
    tiny = numpy_helper.from_array(np.zeros((10,), dtype=np.float32), "tiny")
    always = numpy_helper.from_array(np.array(True), "always")

    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("Add", ["acc_in", "tiny"], ["acc_out"]),
        ],
        "spin",
        [
            helper.make_tensor_value_info("iter", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [10]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [10]),
        ],
        [tiny],
    )
    nodes = [
        helper.make_node("Flatten", ["input"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "W"], ["scores"]),
        helper.make_node("ReduceMax", ["input"], ["peak"], keepdims=0),
        helper.make_node("Greater", ["peak", "threshold"], ["hang"]),
        helper.make_node("Cast", ["hang"], ["hang_i"], to=TensorProto.INT64),
        helper.make_node("Mul", ["hang_i", "forever"], ["trips"]),
        helper.make_node("Loop", ["trips", "always", "zeros"], ["acc"], body=body),
        helper.make_node("Add", ["scores", "acc"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "slow",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        [w, threshold, forever, zeros, always],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    onnx.save(model, OUT)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
