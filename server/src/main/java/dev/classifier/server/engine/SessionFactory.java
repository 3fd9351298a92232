package dev.classifier.server.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.EnumSet;
import java.util.Locale;

/**
 * Builds ONNX Runtime sessions. The one place that chooses execution providers: the GPU issue adds
 * per-device sessions here ({@code addCUDA(deviceId)}, {@code addTensorrt(deviceId)}).
 */
public final class SessionFactory {
  private final OrtEnvironment env;

  public SessionFactory(OrtEnvironment env) {
    this.env = env;
  }

  /** Creates a session for {@code deviceId} ("cpu" or "gpu:N") from the model's bytes. */
  public OrtSession create(byte[] model, EngineOptions options, String deviceId)
      throws OrtException {
    return create(model, options, deviceId, CpuThreading.forThisMachine(options.intraOpThreads()));
  }

  /** As {@link #create(byte[], EngineOptions, String)} with the given CPU threading. */
  public OrtSession create(
      byte[] model, EngineOptions options, String deviceId, CpuThreading threading)
      throws OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      threading.applyTo(so);
      int gpu = gpuIndex(deviceId);
      EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
      for (String provider : options.providers()) {
        switch (provider.toLowerCase(Locale.ROOT)) {
          case "tensorrt" -> {
            requireProvider(available, OrtProvider.TENSOR_RT, provider);
            so.addTensorrt(Math.max(gpu, 0));
          }
          case "cuda" -> {
            requireProvider(available, OrtProvider.CUDA, provider);
            so.addCUDA(Math.max(gpu, 0));
          }
          default -> {
            // CPU is ONNX Runtime's implicit fallback provider.
          }
        }
      }
      return env.createSession(model, so);
    }
  }

  private static void requireProvider(
      EnumSet<OrtProvider> available, OrtProvider wanted, String name) {
    if (!available.contains(wanted)) {
      throw new IllegalStateException(
          "execution provider '"
              + name
              + "' is not in this ONNX Runtime build (available: "
              + available
              + "); build with -Pgpu on a CUDA host or remove it from providers");
    }
  }

  private static int gpuIndex(String deviceId) {
    if (deviceId != null && deviceId.startsWith("gpu:")) {
      return Integer.parseInt(deviceId.substring(4));
    }
    return -1;
  }
}
