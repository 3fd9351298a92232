package dev.classifier.batching;

import java.util.Objects;

/**
 * One model instance on one device. The batcher never hands it a batch larger than {@code
 * maxBatchSize} (nor larger than the policy's {@link BatchPolicy#maxBatchSize()}).
 *
 * @param deviceId device the instance runs on, e.g. {@code "cpu"}, {@code "gpu:0"}
 * @param index index of the instance on its device, {@code >= 0}
 * @param maxBatchSize largest batch this instance accepts, {@code >= 1}
 */
public record Instance(String deviceId, int index, int maxBatchSize) {
  public Instance {
    Objects.requireNonNull(deviceId, "deviceId");
    if (deviceId.isBlank()) {
      throw new IllegalArgumentException("deviceId must not be blank");
    }
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
    }
  }

  @Override
  public String toString() {
    return deviceId + "#" + index + "(max " + maxBatchSize + ")";
  }
}
