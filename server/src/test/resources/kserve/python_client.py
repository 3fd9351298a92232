#!/usr/bin/env python3
"""Calls the server's Open Inference Protocol with python3-grpcio (C-core gRPC, not grpc-java).

Messages are built by field name from the descriptors the test writes (a FileDescriptorSet of
inference/grpc_service.proto), so no generated stubs are needed. Usage:
    python_client.py HOST:PORT DESCRIPTORS.pb MODEL
Prints one JSON object: live, ready, extensions, metadata, the probabilities of two all-zero
images (raw input), and the classification strings (typed input). Exit 1 on any RPC failure.
"""
import json
import struct
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def main():
    target, descriptors, model = sys.argv[1], sys.argv[2], sys.argv[3]
    fds = descriptor_pb2.FileDescriptorSet.FromString(open(descriptors, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    factory = message_factory.MessageFactory(pool)

    def cls(name):
        d = pool.FindMessageTypeByName("inference." + name)
        get = getattr(message_factory, "GetMessageClass", None)
        return get(d) if get else factory.GetPrototype(d)

    channel = grpc.insecure_channel(target)

    def call(method, request, response_type):
        stub = channel.unary_unary(
            "/inference.GRPCInferenceService/" + method,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=cls(response_type).FromString,
        )
        return stub(request, timeout=30)

    live = call("ServerLive", cls("ServerLiveRequest")(), "ServerLiveResponse").live
    ready = call("ServerReady", cls("ServerReadyRequest")(), "ServerReadyResponse").ready
    meta = call("ServerMetadata", cls("ServerMetadataRequest")(), "ServerMetadataResponse")
    mm = call("ModelMetadata", cls("ModelMetadataRequest")(name=model), "ModelMetadataResponse")
    inp, out = mm.inputs[0], mm.outputs[0]
    image = [d for d in inp.shape[1:]]
    elements = 1
    for d in image:
        elements *= d

    req = cls("ModelInferRequest")(model_name=model, id="py-1")
    t = req.inputs.add(name=inp.name, datatype="FP32")
    t.shape.extend([2] + image)
    req.raw_input_contents.append(struct.pack("<%df" % (2 * elements), *([0.0] * (2 * elements))))
    req.parameters["priority"].int64_param = 1
    res = call("ModelInfer", req, "ModelInferResponse")
    raw = res.raw_output_contents[0]
    probs = list(struct.unpack("<%df" % (len(raw) // 4), raw))

    req2 = cls("ModelInferRequest")(model_name=model, id="py-2")
    t2 = req2.inputs.add(name=inp.name, datatype="FP32")
    t2.shape.extend([1] + image)
    t2.contents.fp32_contents.extend([0.0] * elements)
    o = req2.outputs.add(name=out.name)
    o.parameters["classification"].int64_param = 3
    res2 = call("ModelInfer", req2, "ModelInferResponse")

    print(json.dumps({
        "live": live,
        "ready": ready,
        "extensions": list(meta.extensions),
        "input": [inp.name, inp.datatype, list(inp.shape)],
        "id": res.id,
        "shape": list(res.outputs[0].shape),
        "probabilities": probs,
        "classification_id": res2.id,
        "classification_shape": list(res2.outputs[0].shape),
        "classification": [b.decode() for b in res2.outputs[0].contents.bytes_contents],
    }))


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as e:
        print("rpc failed: %s %s" % (e.code(), e.details()), file=sys.stderr)
        sys.exit(1)
