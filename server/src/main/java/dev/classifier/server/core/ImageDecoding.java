package dev.classifier.server.core;

import com.google.protobuf.ByteString;
import dev.classifier.imaging.ImageDecodeException;
import dev.classifier.imaging.ImageDecoder;
import dev.classifier.imaging.ImagePreprocessor;
import dev.classifier.imaging.ImageTensor;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.text.ClientText;
import io.grpc.Status;
import java.awt.image.BufferedImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-side decoding of encoded images ({@code ImageInput.encoded}): decode (pixel count checked
 * from the header first) and the model's preprocessing spec, with the same imaging code the client
 * uses, on a decode executor, never on the transport thread that received the request.
 *
 * <p>Bounded twice, both checked before anything is decoded: at most {@code maxPendingImages}
 * images and at most {@code budgetBytes} estimated decoded bytes ({@link DecodeCost}, read from the
 * image header) may be queued or decoding at once; beyond either {@link #decode} fails at once with
 * RESOURCE_EXHAUSTED, so a flood of encoded images (or a few small files that decode huge) cannot
 * grow memory without limit. An image that alone exceeds the budget is INVALID_ARGUMENT. A decode
 * whose future was cancelled before its turn is skipped (no work). Undecodable data, too many
 * pixels or a decoded size that does not fit the model give INVALID_ARGUMENT naming the field.
 * Where the model widens uint8 pixels itself ({@link #heldSpec}), a FLOAT32 model's images are kept
 * as UINT8 pixels until the batch copy normalises them: a quarter of the memory while queued, and
 * the same values bit for bit.
 */
public final class ImageDecoding implements AutoCloseable {
  /** Default pixel limit per encoded image: 40 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

  /** Default bound of queued or decoding images, per core. */
  public static final int DEFAULT_PENDING_PER_CORE = 64;

  /**
   * The default decode budget: a quarter of the maximum heap, at least 64 MiB, so images being
   * decoded can never take the heap.
   */
  public static long defaultBudgetBytes() {
    return Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4);
  }

  private final Executor executor;
  private final ExecutorService owned;
  private final Semaphore pending;
  private final int maxPendingImages;
  private final long budgetBytes;
  private final AtomicLong budgetUsed = new AtomicLong();
  private final ImageDecoder decoder;
  private final Decoder decode;
  private final LongAdder decoded = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final ConcurrentMap<PreprocessSpec, ImagePreprocessor> preprocessors =
      new ConcurrentHashMap<>();

  /**
   * @param executor runs the decodes (not owned: the caller shuts it down)
   * @param maxPendingImages images that may be queued or decoding at once, >= 1
   * @param maxPixels largest accepted width x height of one encoded image
   */
  public ImageDecoding(Executor executor, int maxPendingImages, long maxPixels) {
    this(executor, null, maxPendingImages, maxPixels, defaultBudgetBytes(), null);
  }

  /** As above, with {@code decoder} in place of the imaging decoder (a fault-injection seam). */
  public ImageDecoding(Executor executor, int maxPendingImages, long maxPixels, Decoder decoder) {
    this(executor, null, maxPendingImages, maxPixels, defaultBudgetBytes(), decoder);
  }

  /**
   * @param budgetBytes estimated decoded bytes ({@link DecodeCost}) that may be queued or decoding
   *     at once, >= 1
   * @param decoder the image decoder, or null for the imaging module's
   */
  public ImageDecoding(
      Executor executor, int maxPendingImages, long maxPixels, long budgetBytes, Decoder decoder) {
    this(executor, null, maxPendingImages, maxPixels, budgetBytes, decoder);
  }

  /** Turns encoded bytes into an image; may throw anything (the stage answers for it). */
  @FunctionalInterface
  public interface Decoder {
    BufferedImage decode(byte[] encoded) throws ImageDecodeException;
  }

  private ImageDecoding(
      Executor executor,
      ExecutorService owned,
      int maxPendingImages,
      long maxPixels,
      long budgetBytes,
      Decoder decoder) {
    if (executor == null) {
      throw new IllegalArgumentException("executor must not be null");
    }
    if (maxPendingImages < 1) {
      throw new IllegalArgumentException("maxPendingImages must be >= 1, got " + maxPendingImages);
    }
    this.executor = executor;
    this.owned = owned;
    if (budgetBytes < 1) {
      throw new IllegalArgumentException("budgetBytes must be >= 1, got " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
    this.maxPendingImages = maxPendingImages;
    this.pending = new Semaphore(maxPendingImages);
    this.decoder = new ImageDecoder(maxPixels);
    this.decode = decoder != null ? decoder : this.decoder::decode;
  }

  /**
   * A fixed pool of one daemon thread per core (idle threads time out), at most {@link
   * #DEFAULT_PENDING_PER_CORE} images per core pending, {@link #DEFAULT_MAX_PIXELS}; closed with
   * {@link #close}.
   */
  public static ImageDecoding withDefaultPool() {
    return withDefaultPool(defaultBudgetBytes());
  }

  /** {@link #withDefaultPool()} with the given decode budget in bytes. */
  public static ImageDecoding withDefaultPool(long budgetBytes) {
    int cores = Runtime.getRuntime().availableProcessors();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            cores, cores, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads());
    pool.allowCoreThreadTimeOut(true);
    return new ImageDecoding(
        pool, pool, cores * DEFAULT_PENDING_PER_CORE, DEFAULT_MAX_PIXELS, budgetBytes, null);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "image-decode-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public long maxPixels() {
    return decoder.maxPixels();
  }

  public int maxPendingImages() {
    return maxPendingImages;
  }

  /** Images whose decode was started (successful or not). */
  public long decodedImages() {
    return decoded.sum();
  }

  /** Images dropped from the decode queue because their request was cancelled first. */
  public long skippedImages() {
    return skipped.sum();
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /** Estimated decoded bytes of the images queued or decoding now. */
  public long pendingBytes() {
    return budgetUsed.get();
  }

  /** Images queued or decoding now. */
  public int pendingImages() {
    return maxPendingImages - pending.availablePermits();
  }

  /**
   * Decodes and preprocesses one encoded image for {@code model} on the decode executor. Never
   * blocks. The future fails with INVALID_ARGUMENT (bad data), RESOURCE_EXHAUSTED (decode queue
   * full) or is cancelled by the caller (then the decode is skipped if it has not started).
   *
   * @param field request field for messages, e.g. {@code images[3].encoded}
   */
  public CompletableFuture<InferenceInput> decode(
      String field, ByteString encoded, ServedModel model) {
    PreprocessSpec spec = model.preprocessing();
    if (spec == null) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              field
                  + ": model "
                  + ClientText.quote(model.name())
                  + " has no image preprocessing spec; send a tensor"));
    }
    if (encoded.isEmpty()) {
      return CompletableFuture.failedFuture(new InvalidRequestException(field + " is empty"));
    }
    DecodeCost.Estimate estimate = DecodeCost.estimate(encoded);
    if (estimate.bytes() < 0) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              field
                  + ": unsupported or undecodable image: its size cannot be read from the header"));
    }
    if (estimate.pixels() > decoder.maxPixels()) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              field
                  + ": image too large: "
                  + estimate.width()
                  + "x"
                  + estimate.height()
                  + " = "
                  + estimate.pixels()
                  + " pixels exceeds the limit of "
                  + decoder.maxPixels()
                  + " pixels"));
    }
    long cost = estimate.bytes();
    if (cost > budgetBytes) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              field
                  + ": a "
                  + estimate.width()
                  + "x"
                  + estimate.height()
                  + " image needs about "
                  + cost
                  + " bytes to decode, more than the server's whole decode budget of "
                  + budgetBytes
                  + " bytes; send it smaller"));
    }
    if (!reserve(cost)) {
      return CompletableFuture.failedFuture(budgetFull(field, cost));
    }
    if (!pending.tryAcquire()) {
      budgetUsed.addAndGet(-cost);
      return CompletableFuture.failedFuture(queueFull(field));
    }
    CompletableFuture<InferenceInput> result = new CompletableFuture<>();
    Runnable task =
        () -> {
          // the stage's capacity is given back before the future completes, so a caller that has
          // its answer never finds this image still counted (or the stage still full)
          InferenceInput input = null;
          Throwable failure = null;
          try {
            if (result.isDone()) {
              skipped.increment(); // cancelled while queued: no decode
            } else {
              decoded.increment();
              input = run(field, encoded, spec, model);
            }
          } catch (Throwable t) { // an Error too: the request is answered, never left pending
            failure =
                t instanceof RuntimeException ? t : new InternalFailure("image decode failed", t);
          } finally {
            budgetUsed.addAndGet(-cost);
            pending.release();
          }
          if (failure != null) {
            result.completeExceptionally(failure);
          } else if (input != null) {
            result.complete(input);
          }
        };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      budgetUsed.addAndGet(-cost);
      pending.release();
      return CompletableFuture.failedFuture(queueFull(field));
    }
    return result;
  }

  private boolean reserve(long cost) {
    while (true) {
      long used = budgetUsed.get();
      if (used > budgetBytes - cost) {
        return false;
      }
      if (budgetUsed.compareAndSet(used, used + cost)) {
        return true;
      }
    }
  }

  private RuntimeException budgetFull(String field, long cost) {
    return Status.RESOURCE_EXHAUSTED
        .withDescription(
            field
                + ": the server's image decode budget is in use ("
                + budgetUsed.get()
                + " of "
                + budgetBytes
                + " bytes; this image needs about "
                + cost
                + "); retry later or send preprocessed tensors")
        .asRuntimeException();
  }

  private RuntimeException queueFull(String field) {
    return Status.RESOURCE_EXHAUSTED
        .withDescription(
            field
                + ": the server's image decode queue is full ("
                + maxPendingImages
                + " images queued or decoding); retry later or send preprocessed tensors")
        .asRuntimeException();
  }

  /**
   * The spec a decoded image is preprocessed with for {@code m}: the model's own, with raw UINT8
   * pixels instead of FLOAT32 where the model's engine widens them with this very spec.
   */
  static PreprocessSpec heldSpec(PreprocessSpec spec, ServedModel m) {
    return spec.pixelType() == PixelType.FLOAT32 && m.engine().accepts(ElementType.UINT8)
        ? spec.withPixelType(PixelType.UINT8)
        : spec;
  }

  /** Bytes a decoded image holds for {@code m} while queued. */
  static long heldBytes(ServedModel m) {
    PreprocessSpec spec = m.preprocessing();
    long elements = m.signature().imageElements();
    return spec == null
        ? m.signature().imageBytes()
        : elements * heldSpec(spec, m).pixelType().bytesPerElement();
  }

  private InferenceInput run(String field, ByteString encoded, PreprocessSpec spec, ServedModel m) {
    ImageTensor tensor;
    try {
      ImagePreprocessor pre =
          preprocessors.computeIfAbsent(heldSpec(spec, m), ImagePreprocessor::new);
      tensor = pre.apply(decode.decode(encoded.toByteArray()));
    } catch (ImageDecodeException e) {
      throw new InvalidRequestException(field + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(field + ": cannot preprocess image: " + e.getMessage());
    }
    long expected = m.signature().imageElements() * tensor.pixelType().bytesPerElement();
    if (tensor.data().length != expected) {
      throw new InvalidRequestException(
          field
              + ": the decoded image preprocesses to "
              + tensor.data().length / tensor.pixelType().bytesPerElement()
              + " values ("
              + java.util.Arrays.toString(tensor.shape())
              + ") but model '"
              + m.name()
              + "' takes "
              + m.signature().imageElements()
              + " values per image; its preprocessing spec does not fix the output size");
    }
    return InferenceInput.of(tensor.data(), ElementType.valueOf(tensor.pixelType().name()));
  }

  /** Shuts down the default pool (an injected executor is left to its owner). */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
    }
  }
}
