package dev.classifier.server.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Instance;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.engine.CpuThreading;
import dev.classifier.server.engine.OnnxEngine;
import dev.classifier.server.engine.OnnxInstance;
import dev.classifier.server.engine.SessionFactory;
import dev.classifier.server.engine.SessionPool;
import dev.classifier.server.engine.provider.ProviderPlan;
import dev.classifier.server.signature.ModelSignature;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load step that decides, per device, whether a model's CPU instances adapt their width ({@link
 * dev.classifier.server.engine.WidthArbiter}): after warm-up, it times a full batch and, where the
 * cores are the bottleneck, adds the narrow sessions and the second instance. One use per model
 * load, on the loading thread.
 */
final class WidthAdaptation {
  private static final Logger LOG = LoggerFactory.getLogger(WidthAdaptation.class);

  /** Full-batch runs timed on a device that may adapt its width; the fastest one counts. */
  private static final int WIDTH_PROBE_RUNS = 3;

  private final OrtEnvironment env;
  private final SessionFactory sessions;

  WidthAdaptation(OrtEnvironment env, SessionFactory sessions) {
    this.env = env;
    this.sessions = sessions;
  }

  /**
   * The intra-op threads of {@code device}'s narrow sessions when it adapts its width ({@link
   * dev.classifier.server.engine.WidthArbiter}), or empty when it keeps one shared session: only
   * the CPU device adapts, only with {@code adaptiveWidth} on, 1 configured instance (more are the
   * user's own split) and at least 2 intra-op threads ({@link CpuThreading#narrowThreads}).
   */
  static List<Integer> split(ModelConfig config, String device, int processors) {
    if (!device.equals("cpu")
        || !config.engine().adaptiveWidth()
        || config.instancesPerDevice() != 1) {
      return List.of();
    }
    return CpuThreading.choose(config.engine().intraOpThreads(), processors).narrowThreads();
  }

  /**
   * Turns the devices that qualify ({@link #split}) and whose full batch takes at least {@code
   * adaptiveWidthMinRun} once warm ({@link #fastestFullBatch}) into adaptive ones: adds one narrow
   * session per instance to {@code pool}, replaces the device's instance in {@code instances} with
   * two, and warms every batch size on each narrow session. Returns the adaptive devices.
   */
  Set<String> adapt(
      String name,
      ModelConfig config,
      byte[] onnx,
      SessionPool pool,
      ModelSignature signature,
      List<Instance> instances,
      BatchPolicy policy,
      Map<String, ProviderPlan> devicePlans)
      throws OrtException {
    Set<String> adaptive = new LinkedHashSet<>();
    for (String device : config.devices()) {
      List<Integer> split = split(config, device, Runtime.getRuntime().availableProcessors());
      if (split.isEmpty()) {
        continue;
      }
      java.time.Duration fullBatch =
          fastestFullBatch(
              new OnnxEngine(env, pool, signature, false, false), device, policy.maxBatchSize());
      java.time.Duration minRun = config.engine().adaptiveWidthMinRun();
      if (fullBatch.compareTo(minRun) < 0) {
        LOG.info(
            "model {} on {}: one instance on all {} threads (a full batch takes {} us after"
                + " warm-up, under adaptiveWidthMinRunMillis {}: bound by gRPC, not by the cores)",
            name,
            device,
            split.stream().mapToInt(Integer::intValue).sum(),
            fullBatch.toNanos() / 1_000,
            minRun.toMillis());
        continue;
      }
      for (int i = 0; i < split.size(); i++) {
        OrtSession narrow =
            sessions.create(
                onnx,
                config.engine().withIntraOpThreads(split.get(i)),
                devicePlans.get(device),
                null);
        try {
          pool.add(SessionPool.narrowKey(device, i), narrow);
        } catch (RuntimeException e) {
          narrow.close();
          throw e;
        }
      }
      instances.removeIf(instance -> instance.deviceId().equals(device));
      for (int i = 0; i < split.size(); i++) {
        instances.add(new Instance(device, i, policy.maxBatchSize()));
      }
      adaptive.add(device);
      LOG.info(
          "model {} on {}: adaptive width (a full batch takes {} ms after warm-up): a run alone uses"
              + " all {} threads, under load {} instances run side by side on {} threads",
          name,
          device,
          fullBatch.toMillis(),
          split.stream().mapToInt(Integer::intValue).sum(),
          split.size(),
          split);
    }
    if (!adaptive.isEmpty()) {
      warmNarrowSessions(
          new OnnxEngine(env, pool, signature, false, false, null, adaptive),
          instances,
          policy,
          devicePlans);
    }
    return adaptive;
  }

  /**
   * The fastest of {@link #WIDTH_PROBE_RUNS} full-batch runs on {@code device}'s wide session,
   * after warm-up (the warm-up's own runs still pay for allocations: the embedded model's second
   * full batch took 4.5 ms there against 0.3-0.6 ms once warm).
   */
  private static java.time.Duration fastestFullBatch(OnnxEngine engine, String device, int n)
      throws OrtException {
    long fastest = Long.MAX_VALUE;
    ByteBuffer input = ModelLoader.warmUpInput(engine.signature(), n, new Random(44));
    try (OnnxInstance runner = engine.create(new Instance(device, 0, n))) {
      for (int i = 0; i < WIDTH_PROBE_RUNS; i++) {
        long start = System.nanoTime();
        runner.infer(input, n);
        fastest = Math.min(fastest, System.nanoTime() - start);
      }
    }
    return java.time.Duration.ofNanos(fastest);
  }

  /** Every batch size once on each adaptive instance's narrow session (untimed). */
  private static void warmNarrowSessions(
      OnnxEngine engine,
      List<Instance> instances,
      BatchPolicy policy,
      Map<String, ProviderPlan> devicePlans)
      throws OrtException {
    Random random = new Random(43);
    for (Instance instance : instances) {
      if (!engine.arbiters().containsKey(instance.deviceId())) {
        continue;
      }
      try (OnnxInstance runner = engine.create(instance)) {
        boolean gpu = !devicePlans.get(instance.deviceId()).steps().isEmpty();
        for (int n :
            BatchSizeWarmup.sizes(instance.maxBatchSize(), policy.preferredBatchSizes(), gpu)) {
          runner.warmNarrow(ModelLoader.warmUpInput(engine.signature(), n, random), n);
        }
      }
    }
  }
}
