package dev.classifier.server.engine;

import dev.classifier.server.signature.ElementType;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One validated image tensor, ready to be copied into a batch: exactly one image of the model's
 * shape and layout, little-endian, in the model's dtype or in UINT8 pixels that the engine widens
 * with the model's normalisation ({@link PixelWidening}). Protocol types stay at the protocol
 * boundary: callers hand in a read-only view of the request's bytes (zero-copy, e.g. {@code
 * ByteString.asReadOnlyByteBuffer()}), which the engine reads without moving its position.
 *
 * <p>A <b>dry-run</b> input comes from the server's own serving-path warm-up: it is validated,
 * queued, batched and copied like any other, but a batch made only of dry-run inputs skips the
 * model run itself (its scores are whatever the instance's output buffer holds, finite but
 * meaningless), so that warm-up reaches the JIT's thresholds for the Java path in seconds even when
 * the model takes milliseconds per image. A batch with at least one client input runs the model for
 * every input in it.
 *
 * @param data the tensor bytes, position to limit (a view shared with the request, not copied)
 * @param dtype the element type of {@code data}
 * @param dryRun whether this input is a warm-up input whose batch may skip the model run
 */
public record InferenceInput(ByteBuffer data, ElementType dtype, boolean dryRun) {
  public InferenceInput {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(dtype, "dtype");
  }

  /** A client input (not a dry run). */
  public InferenceInput(ByteBuffer data, ElementType dtype) {
    this(data, dtype, false);
  }

  /** The same bytes as a dry-run input. */
  public InferenceInput asDryRun() {
    return dryRun ? this : new InferenceInput(data, dtype, true);
  }

  /** A read-only view of {@code bytes}. */
  public static InferenceInput of(byte[] bytes, ElementType dtype) {
    return new InferenceInput(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), dtype);
  }

  /** Bytes this input holds while queued (for the batcher's byte budget): the bytes sent. */
  public long sizeBytes() {
    return data.remaining();
  }

  /** Number of elements (bytes / element size). */
  public long elements() {
    return data.remaining() / dtype.bytes();
  }
}
