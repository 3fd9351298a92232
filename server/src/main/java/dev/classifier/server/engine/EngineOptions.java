package dev.classifier.server.engine;

import dev.classifier.server.engine.provider.ProviderOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How sessions are built and guarded for one model.
 *
 * @param intraOpThreads ONNX Runtime intra-op threads per session (0 = chosen from the machine by
 *     {@link CpuThreading})
 * @param providers execution providers in order of preference: "cpu" (always last, always
 *     available), "cuda", "tensorrt". GPU providers need the GPU build of ONNX Runtime (Maven
 *     profile {@code gpu}); asking for one that this build lacks fails model loading with a clear
 *     message.
 * @param rejectNonFiniteInput FLOAT32 inputs holding NaN or infinity fail with INVALID_ARGUMENT
 *     (checked while the tensor is copied into the batch); false lets them through to the model
 * @param watchdog longest a batch may run before the watchdog terminates it, answers its requests
 *     and replaces the instance; at least 100 ms
 * @param providerOptions TensorRT and CUDA settings, reduced precision and the provider guarantee
 *     (see docs/GPU.md); null = defaults
 * @param adaptiveWidth on the CPU device, when it has 2 or more intra-op threads and 1 configured
 *     instance: two instances whose runs go wide (all threads, one run alone) at low load and
 *     narrow (half the threads each, side by side) under load ({@link WidthArbiter}); false keeps
 *     one session of all the threads shared by the configured instances
 * @param adaptiveWidthMinRun the device adapts only when a full batch takes at least this long once
 *     warm (the fastest of 3 runs after warm-up): shorter runs are bound by gRPC, not by the cores,
 *     and a second instance only halves the batches (0 = whenever it may; null = {@link
 *     #DEFAULT_ADAPTIVE_WIDTH_MIN_RUN})
 */
public record EngineOptions(
    int intraOpThreads,
    List<String> providers,
    boolean rejectNonFiniteInput,
    Duration watchdog,
    ProviderOptions providerOptions,
    boolean adaptiveWidth,
    Duration adaptiveWidthMinRun) {
  /** Default {@link #adaptiveWidthMinRun}. */
  public static final Duration DEFAULT_ADAPTIVE_WIDTH_MIN_RUN = Duration.ofMillis(5);

  /** Default {@link #watchdog}. */
  public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(30);

  /** Smallest accepted {@link #watchdog}. */
  public static final Duration MIN_WATCHDOG = Duration.ofMillis(100);

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
    Objects.requireNonNull(watchdog, "watchdog");
    if (watchdog.compareTo(MIN_WATCHDOG) < 0) {
      throw new IllegalArgumentException(
          "watchdogMillis must be >= " + MIN_WATCHDOG.toMillis() + ", got " + watchdog.toMillis());
    }
    adaptiveWidthMinRun =
        adaptiveWidthMinRun == null ? DEFAULT_ADAPTIVE_WIDTH_MIN_RUN : adaptiveWidthMinRun;
    if (adaptiveWidthMinRun.isNegative()) {
      throw new IllegalArgumentException(
          "adaptiveWidthMinRunMillis must be >= 0, got " + adaptiveWidthMinRun.toMillis());
    }
    providerOptions = providerOptions == null ? ProviderOptions.defaults() : providerOptions;
    String required = providerOptions.requireProvider();
    if (required != null
        && !required.equals("cpu")
        && providers.stream().noneMatch(p -> p.equalsIgnoreCase(required))) {
      throw new IllegalArgumentException(
          "requireProvider is " + required + " but providers " + providers + " does not list it");
    }
  }

  /** Adaptive CPU width. */
  public EngineOptions(
      int intraOpThreads,
      List<String> providers,
      boolean rejectNonFiniteInput,
      Duration watchdog,
      ProviderOptions providerOptions) {
    this(intraOpThreads, providers, rejectNonFiniteInput, watchdog, providerOptions, true, null);
  }

  /** Default provider options, adaptive CPU width. */
  public EngineOptions(
      int intraOpThreads, List<String> providers, boolean rejectNonFiniteInput, Duration watchdog) {
    this(intraOpThreads, providers, rejectNonFiniteInput, watchdog, null);
  }

  /** Defaults for everything but threads and providers. */
  public EngineOptions(int intraOpThreads, List<String> providers) {
    this(intraOpThreads, providers, true, DEFAULT_WATCHDOG);
  }

  /** CPU only, with ONNX Runtime's default thread count. */
  public static EngineOptions cpu() {
    return new EngineOptions(0, List.of("cpu"));
  }

  public EngineOptions withIntraOpThreads(int threads) {
    return new EngineOptions(
        threads,
        providers,
        rejectNonFiniteInput,
        watchdog,
        providerOptions,
        adaptiveWidth,
        adaptiveWidthMinRun);
  }

  public EngineOptions withRejectNonFiniteInput(boolean reject) {
    return new EngineOptions(
        intraOpThreads,
        providers,
        reject,
        watchdog,
        providerOptions,
        adaptiveWidth,
        adaptiveWidthMinRun);
  }

  public EngineOptions withWatchdog(Duration limit) {
    return new EngineOptions(
        intraOpThreads,
        providers,
        rejectNonFiniteInput,
        limit,
        providerOptions,
        adaptiveWidth,
        adaptiveWidthMinRun);
  }

  public EngineOptions withProviderOptions(ProviderOptions options) {
    return new EngineOptions(
        intraOpThreads,
        providers,
        rejectNonFiniteInput,
        watchdog,
        options,
        adaptiveWidth,
        adaptiveWidthMinRun);
  }

  public EngineOptions withAdaptiveWidth(boolean adaptive) {
    return new EngineOptions(
        intraOpThreads,
        providers,
        rejectNonFiniteInput,
        watchdog,
        providerOptions,
        adaptive,
        adaptiveWidthMinRun);
  }

  public EngineOptions withAdaptiveWidthMinRun(Duration minRun) {
    return new EngineOptions(
        intraOpThreads,
        providers,
        rejectNonFiniteInput,
        watchdog,
        providerOptions,
        adaptiveWidth,
        minRun);
  }
}
