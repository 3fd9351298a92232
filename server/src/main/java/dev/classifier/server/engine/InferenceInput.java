package dev.classifier.server.engine;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One validated image tensor, ready to be copied into a batch: exactly the model's per-image byte
 * length, in the model's dtype and layout, little-endian.
 *
 * @param data the tensor bytes (shared, not copied, from the request message)
 */
public record InferenceInput(ByteString data) {
  public InferenceInput {
    Objects.requireNonNull(data, "data");
  }

  /** Bytes this input holds while queued (for the batcher's byte budget). */
  public long sizeBytes() {
    return data.size();
  }
}
