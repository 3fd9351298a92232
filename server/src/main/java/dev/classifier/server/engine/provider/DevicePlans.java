package dev.classifier.server.engine.provider;

import dev.classifier.server.signature.ModelSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProviderPlan} of one device's session: the CPU device gets the CPU provider, a {@code
 * gpu:N} device the configured GPU providers, with the TensorRT caches keyed ({@link
 * EngineCacheKey}) and created. Logs the plan's decisions.
 */
public final class DevicePlans {
  private static final Logger LOG = LoggerFactory.getLogger(DevicePlans.class);

  private final GpuFacts facts;

  public DevicePlans(GpuFacts facts) {
    this.facts = facts;
  }

  /**
   * @param signature the model's signature (may be null for the CPU device)
   * @param maxBatch the device's instances' batch bound (the TensorRT profile's max)
   */
  public ProviderPlan plan(
      String model,
      String device,
      byte[] onnx,
      List<String> providers,
      ProviderOptions options,
      ModelSignature signature,
      int maxBatch)
      throws IOException {
    int gpu = device.startsWith("gpu:") ? Integer.parseInt(device.substring(4)) : -1;
    EngineCacheKey key = null;
    TensorRtOptions trt = options.tensorrt();
    boolean tensorRt = providers.stream().anyMatch(p -> p.equalsIgnoreCase("tensorrt"));
    if (gpu >= 0 && tensorRt && (trt.engineCache() || trt.timingCache())) {
      key =
          EngineCacheKey.of(
              onnx, facts.deviceName(gpu), facts.ortVersion(), facts.tensorRtVersion());
      Files.createDirectories(key.engineDirectory(trt.cacheDir()));
      Files.createDirectories(key.timingDirectory(trt.cacheDir()));
      LOG.info("model {} on {}: TensorRT caches keyed by {}", model, device, key);
    }
    ProviderPlan plan =
        ProviderPlanner.plan(
            providers, options, signature, new ProviderPlanner.Target(gpu, maxBatch, key));
    plan.notes().forEach(n -> LOG.info("model {} on {}: {}", model, device, n));
    return plan;
  }
}
