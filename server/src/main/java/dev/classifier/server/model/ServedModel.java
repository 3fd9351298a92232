package dev.classifier.server.model;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Batcher;
import dev.classifier.batching.Instance;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.config.OutputKind;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.engine.OnnxEngine;
import dev.classifier.server.engine.provider.DevicePlacement;
import dev.classifier.server.signature.ModelSignature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded, warmed-up model with its batcher: everything a request needs to be validated, queued,
 * run and answered.
 */
public final class ServedModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

  /** How long {@link #close()} waits for running batches before terminating them. */
  public static final Duration DEFAULT_CLOSE_BOUND = Duration.ofSeconds(2);

  private final String name;
  private final String version;
  private final String source;
  private final ModelSignature signature;
  private final List<String> labels;
  private final String labelSource;
  private final OutputKind outputKind;
  private final PreprocessSpec preprocessing;
  private final List<Instance> instances;
  private final OnnxEngine engine;
  private final Batcher<InferenceInput, InferenceResult> batcher;
  private final ExecutorService completions;
  private final Map<String, DevicePlacement> placements;

  /**
   * @param completions the batcher's completion executor, shut down with the model; null if none
   * @param placements where each device's session runs (device id to placement); a device missing
   *     here is reported as {@link DevicePlacement#assumedCpu}
   */
  public ServedModel(
      String name,
      String version,
      String source,
      ModelSignature signature,
      List<String> labels,
      String labelSource,
      OutputKind outputKind,
      PreprocessSpec preprocessing,
      List<Instance> instances,
      OnnxEngine engine,
      Batcher<InferenceInput, InferenceResult> batcher,
      ExecutorService completions,
      Map<String, DevicePlacement> placements) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
    this.source = source;
    this.signature = Objects.requireNonNull(signature, "signature");
    this.labels = List.copyOf(labels);
    this.labelSource = labelSource == null ? "" : labelSource;
    this.outputKind = Objects.requireNonNull(outputKind, "outputKind");
    this.preprocessing = preprocessing;
    this.instances = List.copyOf(instances);
    this.engine = Objects.requireNonNull(engine, "engine");
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.completions = completions;
    this.placements = Map.copyOf(placements);
  }

  /**
   * This model with {@code other} in place of its batcher (tests wrap a model's batcher to gate or
   * fault it). The copy owns no completion executor: the original's stays with the original.
   */
  public ServedModel withBatcher(Batcher<InferenceInput, InferenceResult> other) {
    return new ServedModel(
        name,
        version,
        source,
        signature,
        labels,
        labelSource,
        outputKind,
        preprocessing,
        instances,
        engine,
        other,
        null,
        placements);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public String source() {
    return source;
  }

  public ModelSignature signature() {
    return signature;
  }

  public List<String> labels() {
    return labels;
  }

  public String labelSource() {
    return labelSource;
  }

  /** LOGITS (softmax applied by the server) or PROBABILITIES; never DETECT once loaded. */
  public OutputKind outputKind() {
    return outputKind;
  }

  /** The preprocessing spec clients should apply; null when the input is not an image. */
  public PreprocessSpec preprocessing() {
    return preprocessing;
  }

  public List<Instance> instances() {
    return instances;
  }

  /** Where {@code device}'s session runs: requested providers and the nodes each really ran. */
  public DevicePlacement placement(String device) {
    DevicePlacement p = placements.get(device);
    return p != null ? p : DevicePlacement.assumedCpu(device);
  }

  public BatchPolicy policy() {
    return batcher.policy();
  }

  public OnnxEngine engine() {
    return engine;
  }

  public Batcher<InferenceInput, InferenceResult> batcher() {
    return batcher;
  }

  /** The label of class {@code index}, or "" when the model has no labels. */
  public String label(int index) {
    return index < labels.size() ? labels.get(index) : "";
  }

  /** Stops intake, lets queued work finish within {@code grace}, answers the rest UNAVAILABLE. */
  public CompletableFuture<Void> drain(Duration grace) {
    return batcher.close(grace);
  }

  /** Terminates the batches still running and answers their requests UNAVAILABLE. */
  public void abandonRunning() {
    batcher.abandonRunning(
        "model '" + name + "' was closed while this request's batch was still running");
  }

  /**
   * Closes with {@link #DEFAULT_CLOSE_BOUND} for batches still running; see {@link
   * #close(Duration)}.
   */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_BOUND);
  }

  /**
   * Fails what is still queued (UNAVAILABLE), waits up to {@code bound} for running batches, then
   * abandons the ones still running: their runs are terminated (ONNX Runtime {@code RunOptions}),
   * their requests answered UNAVAILABLE, and the close goes on. A session is closed only once no
   * run uses it, so an abandoned run that never returns keeps its session (never a crash).
   */
  public void close(Duration bound) {
    try {
      CompletableFuture<Void> done = batcher.close(Duration.ZERO);
      try {
        done.get(bound.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        LOG.warn(
            "model {}: a batch was still running {} ms after close; terminating it",
            name,
            bound.toMillis());
        abandonRunning();
        done.get(bound.toNanos(), TimeUnit.NANOSECONDS);
      }
      // a terminated run returns within moments; closing (or exiting) under it would crash
      if (!batcher.awaitRetiredRuns(bound)) {
        LOG.warn("model {}: a terminated run has not returned after {} ms", name, bound.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("model {}: close did not finish cleanly: {}", name, e.toString());
    } finally {
      if (completions != null) {
        completions.shutdown();
      }
      try {
        engine.close();
      } catch (Exception e) {
        LOG.warn("closing model {} failed", name, e);
      }
    }
  }

  @Override
  public String toString() {
    return name + " v" + version + " (" + signature + ")";
  }
}
