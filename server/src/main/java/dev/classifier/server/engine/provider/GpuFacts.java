package dev.classifier.server.engine.provider;

/**
 * What the engine cache key needs to know about the host: the GPU's name and the ONNX Runtime and
 * TensorRT versions. Anything that cannot be found is reported as {@link #UNKNOWN}.
 */
public interface GpuFacts {
  String UNKNOWN = "unknown";

  /** The name of CUDA device {@code index}, or {@link #UNKNOWN}. */
  String deviceName(int index);

  String ortVersion();

  /** The TensorRT library's version, or {@link #UNKNOWN}. */
  String tensorRtVersion();
}
