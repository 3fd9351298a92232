/**
 * Baselines measured in the same run as the load: {@link
 * dev.classifier.loadtest.baseline.InProcessOnnx} runs the model's ONNX bytes through ONNX Runtime
 * directly (no gRPC, no batcher) at fixed batch sizes, so a report can state serving overhead as a
 * ratio. The gRPC echo baseline lives in {@link dev.classifier.loadtest.transport.EchoServer}.
 */
package dev.classifier.loadtest.baseline;
