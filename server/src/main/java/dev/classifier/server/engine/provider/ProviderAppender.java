package dev.classifier.server.engine.provider;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Registers one planned provider on a session's options. The seam between the pure {@link
 * ProviderPlanner} and ONNX Runtime's provider-option objects, which load the GPU provider
 * libraries when they are created (so CPU tests substitute a recording appender).
 */
public interface ProviderAppender {
  /**
   * Registers {@code step} on {@code options}. Resources created for it are returned and must stay
   * open until the session is created.
   */
  AutoCloseable append(OrtSession.SessionOptions options, ProviderPlan.Step step)
      throws OrtException;

  /** Registers through ONNX Runtime's TensorRT and CUDA option objects (GPU build only). */
  static ProviderAppender ort() {
    return new OrtProviderAppender();
  }
}
