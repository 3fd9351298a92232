package dev.classifier.server.core;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.SubmitOptions;
import dev.classifier.batching.Ticker;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.text.ClientText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one admission path of every protocol: {@link #submit} validates a request against its model
 * (top-k, priority, images), rejects what can never be admitted with INVALID_ARGUMENT (more images
 * than a stage holds in total), starts the decode stage for encoded images, hands the inputs to the
 * model's batcher (following a hot reload, see {@link Handover}) and delivers exactly one answer to
 * the sink, whatever throws on the way. Never blocks: safe on transport threads.
 */
public final class InferenceCore {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceCore.class);

  private final ModelRegistry registry;
  private final ImageDecoding decoding;
  private final Ticker ticker;
  private final Duration defaultTimeout;
  private final BooleanSupplier dryRun;

  /**
   * A core whose requests always run the model.
   *
   * @param defaultTimeout applied to requests without a deadline; {@link Duration#ZERO} for none
   */
  public InferenceCore(
      ModelRegistry registry, ImageDecoding decoding, Ticker ticker, Duration defaultTimeout) {
    this(registry, decoding, ticker, defaultTimeout, () -> false);
  }

  /**
   * @param defaultTimeout applied to requests without a deadline; {@link Duration#ZERO} for none
   * @param dryRun asked once per {@link #submit}, on the submitting thread: true makes that
   *     request's inputs dry runs ({@link InferenceInput#dryRun}; the server's own warm-up calls)
   */
  public InferenceCore(
      ModelRegistry registry,
      ImageDecoding decoding,
      Ticker ticker,
      Duration defaultTimeout,
      BooleanSupplier dryRun) {
    this.dryRun = Objects.requireNonNull(dryRun, "dryRun");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.decoding = Objects.requireNonNull(decoding, "decoding");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    if (defaultTimeout.isNegative()) {
      throw new IllegalArgumentException("defaultTimeout must be >= 0, got " + defaultTimeout);
    }
  }

  public ModelRegistry registry() {
    return registry;
  }

  public ImageDecoding decoding() {
    return decoding;
  }

  /** The clock request deadlines are expressed in. */
  public Ticker ticker() {
    return ticker;
  }

  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /**
   * Admits {@code request} and answers it exactly once through {@code sink} (on this thread when it
   * is rejected at once, else on the thread that finishes it). The returned future is done once the
   * request is; cancelling it cancels the request wherever it is (decode queue or batcher).
   */
  public CompletableFuture<?> submit(InferenceRequest request, InferenceSink sink) {
    RequestInputs inputs = new RequestInputs();
    CompletableFuture<Handover.Outcome<List<InferenceResult>>> pending;
    ServedModel model;
    int k;
    try {
      model = registry.resolve(request.model());
      int classes = model.signature().numClasses();
      k =
          request.rawOutput()
              ? classes
              : RequestReader.topK(request.topK().isPresent(), request.topK().orElse(0), classes);
      int priority = RequestReader.priority(request.priority(), model.policy().priorityLevels());
      List<ImageSource> images = request.images();
      if (images.isEmpty()) {
        throw new InvalidRequestException(
            request.single()
                ? request.field() + " is not set"
                : request.field() + " is empty; send at least one image");
      }
      checkDecodeFits(images);
      for (int i = 0; i < images.size(); i++) {
        RequestReader.read(
            request.field(), request.single() ? -1 : i, images.get(i), model, decoding, inputs);
      }
      if (request.single() && inputs.size() != 1) {
        throw new InvalidRequestException(
            "a stream item carries exactly one image, got " + inputs.size());
      }
      checkBatcherFits(model, inputs.size(), inputs.bytesPerImage());
      SubmitOptions options =
          new SubmitOptions(priority, deadline(request), inputs.bytesPerImage());
      ServedModel resolved = model;
      boolean dry = dryRun.getAsBoolean();
      if (inputs.needsDecoding()) {
        pending =
            Chain.then(
                inputs.whenDecoded(),
                decoded ->
                    Handover.submit(
                        registry,
                        resolved,
                        mm -> mm.batcher().submitAll(dry ? dryRuns(decoded) : decoded, options)));
      } else {
        List<InferenceInput> ready = dry ? dryRuns(inputs.ready()) : inputs.ready();
        pending = Handover.submit(registry, model, mm -> mm.batcher().submitAll(ready, options));
      }
    } catch (Throwable t) {
      inputs.cancel();
      fail(sink, t);
      return CompletableFuture.completedFuture(null);
    }
    int topK = k;
    boolean raw = request.rawOutput();
    var unused =
        pending.whenComplete(
            (outcome, failure) -> {
              if (failure != null) {
                fail(sink, failure);
                return;
              }
              try {
                sink.onResult(new InferenceOutcome(outcome.model(), outcome.value(), topK, raw));
              } catch (Throwable t) {
                fail(sink, new InternalFailure("answering failed", t));
              }
            });
    return pending;
  }

  private static List<InferenceInput> dryRuns(List<InferenceInput> inputs) {
    List<InferenceInput> out = new ArrayList<>(inputs.size());
    for (InferenceInput in : inputs) {
      out.add(in.asDryRun());
    }
    return out;
  }

  private long deadline(InferenceRequest request) {
    long requested = request.deadlineNanos();
    if (requested != InferenceRequest.NO_DEADLINE || defaultTimeout.isZero()) {
      return requested;
    }
    long now = ticker.nanoTime();
    long timeout = defaultTimeout.toNanos();
    return now > Long.MAX_VALUE - timeout ? SubmitOptions.NO_DEADLINE : now + timeout;
  }

  /** More encoded images than the decode stage holds at once can never be admitted. */
  private void checkDecodeFits(List<ImageSource> images) {
    int encoded = 0;
    for (ImageSource s : images) {
      if (s instanceof ImageSource.Encoded) {
        encoded++;
      }
    }
    if (encoded > decoding.maxPendingImages()) {
      throw new InvalidRequestException(
          "the request has "
              + encoded
              + " encoded images but the server decodes at most "
              + decoding.maxPendingImages()
              + " at once, so it can never fit; split it into smaller requests");
    }
  }

  /** More images or bytes than the model's whole queue holds can never be admitted. */
  private static void checkBatcherFits(ServedModel model, int images, long bytesPerImage) {
    BatchPolicy p = model.policy();
    long bytes = images * bytesPerImage;
    if (images > p.maxQueueSize() || bytes > p.maxQueuedBytes()) {
      throw new InvalidRequestException(
          "the request has "
              + images
              + " images ("
              + bytes
              + " bytes) but model "
              + ClientText.quote(model.name())
              + " queues at most "
              + p.maxQueueSize()
              + " images and "
              + p.maxQueuedBytes()
              + " bytes, so it can never fit; split it into smaller requests");
    }
  }

  private static void fail(InferenceSink sink, Throwable failure) {
    try {
      sink.onFailure(failure);
    } catch (Throwable t) {
      LOG.debug("sink threw while taking a failure", t);
    }
  }
}
