package dev.classifier.server.engine;

import java.util.List;
import java.util.Locale;

/**
 * How sessions are built for one model.
 *
 * @param intraOpThreads ONNX Runtime intra-op threads per session (0 = ONNX Runtime's default)
 * @param providers execution providers in order of preference: "cpu" (always last, always
 *     available), "cuda", "tensorrt". GPU providers need the GPU build of ONNX Runtime (Maven profile
 *     {@code gpu}); asking for one that this build lacks fails model loading with a clear message.
 */
public record EngineOptions(int intraOpThreads, List<String> providers) {
  public EngineOptions {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
    }
    providers = providers == null || providers.isEmpty() ? List.of("cpu") : List.copyOf(providers);
    for (String p : providers) {
      String n = p.toLowerCase(Locale.ROOT);
      if (!n.equals("cpu") && !n.equals("cuda") && !n.equals("tensorrt")) {
        throw new IllegalArgumentException(
            "providers entries must be cpu, cuda or tensorrt, got '" + p + "'");
      }
    }
  }

  /** CPU only, with ONNX Runtime's default thread count. */
  public static EngineOptions cpu() {
    return new EngineOptions(0, List.of("cpu"));
  }
}
