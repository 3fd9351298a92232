package dev.classifier.server.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Batcher;
import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.Instance;
import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.OutputKind;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.engine.OnnxEngine;
import dev.classifier.server.engine.OnnxInstance;
import dev.classifier.server.engine.PixelWidening;
import dev.classifier.server.engine.SessionFactory;
import dev.classifier.server.engine.SessionPool;
import dev.classifier.server.engine.provider.DetectedGpuFacts;
import dev.classifier.server.engine.provider.DevicePlacement;
import dev.classifier.server.engine.provider.DevicePlans;
import dev.classifier.server.engine.provider.GpuFacts;
import dev.classifier.server.engine.provider.PlacementProbe;
import dev.classifier.server.engine.provider.ProviderPlan;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import dev.classifier.server.signature.TensorLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link ModelConfig} into a warmed-up {@link ServedModel}: reads the model and its
 * manifest, builds one session per device, reads and checks the signature, runs warm-up batches
 * (which also detect whether the output is logits or probabilities when nobody said), and starts
 * the model's batcher.
 *
 * <p>Over 400 lines, on purpose for now: loading is one ordered transaction (sessions, signature,
 * provider plans, warm-up, placement, batcher) whose every step must undo the earlier ones when a
 * later one fails, and that rollback reads best in one place. The steps it delegates (planning:
 * {@code DevicePlans}; warm-up sizes: {@link BatchSizeWarmup}; the CPU width: {@link
 * WidthAdaptation}; placement: {@code PlacementProbe}) are already classes of their own; the next
 * split would be the warm-up/output-kind detection.
 */
public final class ModelLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

  private final OrtEnvironment env;
  private final SessionFactory sessions;
  private final Function<String, BatcherListener> listeners;
  private final Consumer<String> onNoHealthyInstance;
  private final DevicePlans plans;
  private volatile Consumer<BatchSizeWarmup.Run> warmupRuns = run -> {};

  /**
   * @param listeners batcher listener per model name (metrics); may return a no-op listener
   */
  public ModelLoader(OrtEnvironment env, Function<String, BatcherListener> listeners) {
    this(env, listeners, model -> {});
  }

  /**
   * @param onNoHealthyInstance called with a model's name when the watchdog leaves it without a
   *     healthy instance (health reports it NOT_SERVING)
   */
  public ModelLoader(
      OrtEnvironment env,
      Function<String, BatcherListener> listeners,
      Consumer<String> onNoHealthyInstance) {
    this(
        env,
        listeners,
        onNoHealthyInstance,
        new SessionFactory(env),
        new DetectedGpuFacts(env, System.getenv()));
  }

  /**
   * @param sessions builds the sessions (tests substitute one with a recording provider appender)
   * @param gpuFacts GPU name and library versions for the TensorRT engine cache key
   */
  public ModelLoader(
      OrtEnvironment env,
      Function<String, BatcherListener> listeners,
      Consumer<String> onNoHealthyInstance,
      SessionFactory sessions,
      GpuFacts gpuFacts) {
    this.env = env;
    this.sessions = sessions;
    this.listeners = listeners;
    this.onNoHealthyInstance = onNoHealthyInstance;
    this.plans = new DevicePlans(gpuFacts);
  }

  /** Called for every warm-up batch run at load, in order (tests; logging). */
  public void onWarmupRun(Consumer<BatchSizeWarmup.Run> listener) {
    this.warmupRuns = listener;
  }

  /** Loads one model; on failure nothing is left open. */
  public ServedModel load(ModelConfig config) throws IOException, OrtException {
    ModelSource source =
        config.embedded()
            ? ModelSource.embedded()
            : ModelSource.file(config.path(), config.labels());
    ModelManifest manifest = source.manifest();
    String name = config.name() != null ? config.name() : source.defaultName();

    Map<String, OrtSession> byDevice = new LinkedHashMap<>();
    Map<String, ProviderPlan> devicePlans = new LinkedHashMap<>();
    SessionPool pool = null;
    ExecutorService completions = null;
    Path profiles = Files.createTempDirectory("classifier-placement-");
    try {
      byte[] onnx = source.onnx();
      PreprocessSpec stated =
          config.preprocessing() != null ? config.preprocessing() : manifest.preprocessing();
      // GPU sessions need the input's shape and the batch bound before they are built (TensorRT
      // optimization profile), so a GPU model's signature is read from a metadata-only session.
      ModelSignature signature = null;
      BatchPolicy policy = null;
      if (config.devices().stream().anyMatch(d -> d.startsWith("gpu:"))) {
        try (OrtSession meta = sessions.metadataSession(onnx)) {
          signature = SignatureReader.read(meta, stated);
        }
        policy = fitPolicy(config.batching(), signature);
      }
      for (String device : config.devices()) {
        ProviderPlan plan =
            plans.plan(
                name,
                device,
                onnx,
                config.engine().providers(),
                config.engine().providerOptions(),
                signature,
                policy == null ? 1 : policy.maxBatchSize());
        devicePlans.put(device, plan);
        long start = System.nanoTime();
        byDevice.put(
            device,
            sessions.create(
                onnx, config.engine(), plan, profiles.resolve(device.replace(':', '_'))));
        LOG.info(
            "model {} on {}: session with providers {} built in {} ms{}",
            name,
            device,
            plan.requested(),
            (System.nanoTime() - start) / 1_000_000,
            plan.requested().contains("tensorrt")
                ? " (TensorRT builds or loads its engine here or at the first warm-up run)"
                : "");
      }
      pool = new SessionPool(byDevice);
      OrtSession first = pool.any();
      if (signature == null) {
        signature = SignatureReader.read(first, stated);
        policy = fitPolicy(config.batching(), signature);
      }
      List<String> labels = source.labels();
      if (!labels.isEmpty() && labels.size() != signature.numClasses()) {
        throw new IllegalArgumentException(
            "model '"
                + name
                + "' has "
                + signature.numClasses()
                + " classes but its labels file "
                + source.labelSource()
                + " has "
                + labels.size()
                + " lines");
      }
      PreprocessSpec preprocessing = stated != null ? stated : derivePreprocessing(signature);
      OutputKind statedOutput = config.output() != null ? config.output() : manifest.outputKind();

      List<Instance> instances = new ArrayList<>();
      for (String device : config.devices()) {
        for (int i = 0; i < config.instancesPerDevice(); i++) {
          instances.add(new Instance(device, i, policy.maxBatchSize()));
        }
      }
      // Warm-up runs the sessions through instances of its own (raw scores); the serving engine,
      // which shares the sessions, is built once the output kind is known, and its batcher gives
      // every slot an instance (buffer, session lease, run options) of its own.
      long warmStart = System.nanoTime();
      WarmUp warm =
          warmUp(
              new OnnxEngine(env, pool, signature, false, false),
              instances,
              statedOutput,
              policy,
              devicePlans);
      LOG.info(
          "model {}: warm-up of {} instance(s) took {} ms",
          name,
          instances.size(),
          (System.nanoTime() - warmStart) / 1_000_000);
      Set<String> adaptive =
          new WidthAdaptation(env, sessions)
              .adapt(name, config, onnx, pool, signature, instances, policy, devicePlans);
      Map<String, DevicePlacement> placements = new LinkedHashMap<>();
      for (Map.Entry<String, OrtSession> e : byDevice.entrySet()) {
        placements.put(
            e.getKey(),
            PlacementProbe.read(
                name,
                e.getKey(),
                e.getValue(),
                devicePlans.get(e.getKey()).requested(),
                config.engine().providerOptions().requireProvider()));
      }
      OutputKind resolved = warm.outputKind();
      OnnxEngine engine =
          new OnnxEngine(
              env,
              pool,
              signature,
              resolved == OutputKind.LOGITS,
              config.engine().rejectNonFiniteInput(),
              PixelWidening.forModel(signature, preprocessing).orElse(null),
              adaptive);
      completions = completionExecutor(name, instances.size());

      Batcher<InferenceInput, InferenceResult> batcher =
          Batcher.<InferenceInput, InferenceResult>builder(name, policy, engine)
              .instances(instances)
              .expectedRunTime(warm.batchSize(), warm.runTime())
              .completionExecutor(completions)
              .watchdog(config.engine().watchdog())
              .onNoHealthyInstance(
                  why -> {
                    LOG.error("{}; reload the model to serve it again", why);
                    onNoHealthyInstance.accept(name);
                  })
              .listener(listeners.apply(name))
              .build();
      ServedModel model =
          new ServedModel(
              name,
              manifest.version() == null ? "1" : manifest.version(),
              source.description(),
              signature,
              labels,
              source.labelSource(),
              resolved,
              preprocessing,
              instances,
              engine,
              batcher,
              completions,
              placements);
      LOG.debug("loaded model {} from {}: {}", name, source.description(), signature);
      return model;
    } catch (RuntimeException | OrtException | IOException e) {
      if (completions != null) {
        completions.shutdown();
      }
      if (pool != null) {
        pool.close();
      } else {
        for (OrtSession s : byDevice.values()) {
          try {
            s.close();
          } catch (OrtException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      throw e;
    } finally {
      deleteTree(profiles);
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("could not delete {}: {}", dir, e.toString());
    }
  }

  /**
   * Where a model's results are delivered (one hand-off per batch): a thread per instance and a
   * short queue; when it is full the inference thread delivers itself (back-pressure, no loss).
   */
  private static ExecutorService completionExecutor(String model, int instances) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        instances,
        instances,
        30,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(4 * instances),
        r -> {
          Thread t = new Thread(r, model + "-complete-" + count.getAndIncrement());
          t.setDaemon(true);
          return t;
        });
  }

  /** A fixed-batch graph gets batches of one; everything else keeps the configured policy. */
  static BatchPolicy fitPolicy(BatchPolicy p, ModelSignature signature) {
    if (signature.dynamicBatch() || p.maxBatchSize() == 1) {
      return p;
    }
    return p.toBuilder().maxBatchSize(1).preferredBatchSizes(List.of()).build();
  }

  /** A preprocessing spec from the input shape alone: ImageNet for 3 channels, [0,1] for 1. */
  static PreprocessSpec derivePreprocessing(ModelSignature s) {
    long[] img = s.imageShape();
    if (s.layout() == TensorLayout.OTHER) {
      return null;
    }
    boolean nchw = s.layout() == TensorLayout.NCHW;
    int c = (int) (nchw ? img[0] : img[2]);
    int h = (int) (nchw ? img[1] : img[0]);
    int w = (int) (nchw ? img[2] : img[1]);
    Layout layout = nchw ? Layout.NCHW : Layout.NHWC;
    PixelType type = PixelType.valueOf(s.inputType().name());
    if (c == 3) {
      PreprocessSpec p = PreprocessSpec.imagenet(w, h, layout, type);
      return type == PixelType.UINT8
          ? new PreprocessSpec(
              w,
              h,
              ColorMode.RGB,
              p.resizeShorterSide(),
              Interpolation.BILINEAR,
              true,
              1f,
              new float[] {0f, 0f, 0f},
              new float[] {1f, 1f, 1f},
              layout,
              type)
          : p;
    }
    return PreprocessSpec.grayscale(w, h, layout, type);
  }

  /** What warm-up learnt: the output kind, and how long a full batch took (the second run). */
  private record WarmUp(OutputKind outputKind, int batchSize, java.time.Duration runTime) {}

  private WarmUp warmUp(
      OnnxEngine engine,
      List<Instance> instances,
      OutputKind stated,
      BatchPolicy policy,
      Map<String, ProviderPlan> devicePlans)
      throws OrtException {
    List<OnnxInstance> runners = new ArrayList<>();
    try {
      for (Instance instance : instances) {
        runners.add(engine.create(instance));
      }
      return warmUp(engine.signature(), runners, stated, policy, devicePlans);
    } finally {
      for (OnnxInstance r : runners) {
        r.close();
      }
    }
  }

  /**
   * Runs every batch size the instance can receive ({@link BatchSizeWarmup}) so that first requests
   * pay neither for arena growth nor for per-shape tuning (cuDNN algorithm search, TensorRT context
   * setup), then a full batch once more as the run-time estimate; decides the output kind when it
   * was not stated.
   */
  private WarmUp warmUp(
      ModelSignature s,
      List<OnnxInstance> runners,
      OutputKind stated,
      BatchPolicy policy,
      Map<String, ProviderPlan> devicePlans)
      throws OrtException {
    boolean looksLikeProbabilities = true;
    Random random = new Random(42);
    int fullBatch = 1;
    long fullBatchNanos = 0;
    for (OnnxInstance runner : runners) {
      Instance instance = runner.instance();
      boolean gpu = !devicePlans.get(instance.deviceId()).steps().isEmpty();
      int[] sizes =
          BatchSizeWarmup.sizes(instance.maxBatchSize(), policy.preferredBatchSizes(), gpu);
      for (int i = 0; i <= sizes.length; i++) {
        // the last pass repeats the full batch: the first paid for growth, this one is the estimate
        int n = i < sizes.length ? sizes[i] : instance.maxBatchSize();
        ByteBuffer input = warmUpInput(s, n, random);
        long start = System.nanoTime();
        float[][] out = runner.infer(input, n);
        long nanos = System.nanoTime() - start;
        warmupRuns.accept(new BatchSizeWarmup.Run(instance, n, nanos));
        if (i == sizes.length) {
          fullBatch = n;
          fullBatchNanos = nanos;
        }
        for (float[] row : out) {
          looksLikeProbabilities &= isDistribution(row);
        }
      }
    }
    OutputKind kind =
        stated != OutputKind.DETECT
            ? stated
            : looksLikeProbabilities ? OutputKind.PROBABILITIES : OutputKind.LOGITS;
    return new WarmUp(kind, fullBatch, java.time.Duration.ofNanos(fullBatchNanos));
  }

  /** Random input for {@code n} images of {@code s} (direct, native order, flipped). */
  static ByteBuffer warmUpInput(ModelSignature s, int n, Random random) {
    long bytes = s.imageBytes() * n;
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    if (s.inputType() == ElementType.FLOAT32) {
      while (buffer.remaining() >= 4) {
        buffer.putFloat(random.nextFloat() * 2 - 1);
      }
    } else {
      while (buffer.hasRemaining()) {
        buffer.put((byte) random.nextInt(256));
      }
    }
    buffer.flip();
    return buffer;
  }

  private static boolean isDistribution(float[] row) {
    double sum = 0;
    for (float v : row) {
      if (!(v >= 0f && v <= 1f)) {
        return false;
      }
      sum += v;
    }
    return Math.abs(sum - 1.0) < 1e-3;
  }
}
