package dev.classifier.server.engine.provider;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import java.util.Map;

/**
 * Registers providers through {@link OrtTensorRTProviderOptions} and {@link OrtCUDAProviderOptions}
 * ({@code SessionOptions.addTensorrt} / {@code addCUDA}). Needs the GPU build of ONNX Runtime
 * (Maven profile {@code gpu}).
 */
final class OrtProviderAppender implements ProviderAppender {

  @Override
  public AutoCloseable append(OrtSession.SessionOptions options, ProviderPlan.Step step)
      throws OrtException {
    switch (step.provider()) {
      case "tensorrt" -> {
        // onnxruntime#26493: the TensorRT provider calls into the CUDA provider library, which
        // ONNX Runtime Java extracts and loads only when CUDA options are created. Create (and
        // drop) CUDA options first so that library is loaded, without registering CUDA ahead of
        // TensorRT (registration order is node priority; see ProviderPlanner).
        new OrtCUDAProviderOptions().close();
        OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions();
        try {
          add(trt, step.keys());
          options.addTensorrt(trt);
          return trt;
        } catch (OrtException | RuntimeException e) {
          trt.close();
          throw e;
        }
      }
      case "cuda" -> {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions();
        try {
          add(cuda, step.keys());
          options.addCUDA(cuda);
          return cuda;
        } catch (OrtException | RuntimeException e) {
          cuda.close();
          throw e;
        }
      }
      default -> throw new IllegalArgumentException("unknown provider " + step.provider());
    }
  }

  private static void add(OrtTensorRTProviderOptions o, Map<String, String> keys)
      throws OrtException {
    for (Map.Entry<String, String> e : keys.entrySet()) {
      o.add(e.getKey(), e.getValue());
    }
  }

  private static void add(OrtCUDAProviderOptions o, Map<String, String> keys) throws OrtException {
    for (Map.Entry<String, String> e : keys.entrySet()) {
      o.add(e.getKey(), e.getValue());
    }
  }
}
