package dev.classifier.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Immutable batching policy for one model (Triton's dynamic-batcher settings plus queue limits).
 *
 * @param maxBatchSize largest batch for any instance, {@code >= 1}
 * @param maxQueueDelay how long an idle instance may wait for a batch to grow, {@code >= 0}; ZERO
 *     means never wait when an instance is idle
 * @param preferredBatchSizes each in {@code [1, maxBatchSize]}, may be empty; stored sorted,
 *     distinct and unmodifiable
 * @param maxQueueSize requests (images) queued across all priority levels, {@code >= 1}
 * @param maxQueuedBytes byte budget of queued payloads, {@code >= 1}
 * @param defaultTimeout applied when a submission has no deadline; ZERO means none
 * @param priorityLevels number of priority levels, {@code >= 1}; level 0 is the highest
 * @param adaptive adaptive batch sizing, never null
 * @param maxQueuedWork bound on the estimated time to drain the queue (queued requests times the
 *     measured per-request run time, over the instances); a request that would exceed it is
 *     rejected as QUEUE_FULL with a retry hint; ZERO means no bound
 */
public record BatchPolicy(
    int maxBatchSize,
    Duration maxQueueDelay,
    List<Integer> preferredBatchSizes,
    int maxQueueSize,
    long maxQueuedBytes,
    Duration defaultTimeout,
    int priorityLevels,
    AdaptiveBatching adaptive,
    Duration maxQueuedWork) {

  public BatchPolicy {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
    }
    Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
    if (maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException("maxQueueDelay must be >= 0, got " + maxQueueDelay);
    }
    Objects.requireNonNull(preferredBatchSizes, "preferredBatchSizes");
    List<Integer> sorted = new ArrayList<>(preferredBatchSizes.size());
    for (Integer size : preferredBatchSizes) {
      if (size == null || size < 1 || size > maxBatchSize) {
        throw new IllegalArgumentException(
            "preferredBatchSizes entries must be in [1, maxBatchSize="
                + maxBatchSize
                + "], got "
                + size);
      }
      if (!sorted.contains(size)) {
        sorted.add(size);
      }
    }
    Collections.sort(sorted);
    preferredBatchSizes = List.copyOf(sorted);
    if (maxQueueSize < 1) {
      throw new IllegalArgumentException("maxQueueSize must be >= 1, got " + maxQueueSize);
    }
    if (maxQueuedBytes < 1) {
      throw new IllegalArgumentException("maxQueuedBytes must be >= 1, got " + maxQueuedBytes);
    }
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    if (defaultTimeout.isNegative()) {
      throw new IllegalArgumentException("defaultTimeout must be >= 0, got " + defaultTimeout);
    }
    if (priorityLevels < 1) {
      throw new IllegalArgumentException("priorityLevels must be >= 1, got " + priorityLevels);
    }
    Objects.requireNonNull(adaptive, "adaptive");
    if (adaptive.enabled() && adaptive.minBatchSize() > maxBatchSize) {
      throw new IllegalArgumentException(
          "adaptive.minBatchSize must be <= maxBatchSize ("
              + maxBatchSize
              + "), got "
              + adaptive.minBatchSize());
    }
    Objects.requireNonNull(maxQueuedWork, "maxQueuedWork");
    if (maxQueuedWork.isNegative()) {
      throw new IllegalArgumentException("maxQueuedWork must be >= 0, got " + maxQueuedWork);
    }
  }

  /** A policy without a queued-work bound. */
  public BatchPolicy(
      int maxBatchSize,
      Duration maxQueueDelay,
      List<Integer> preferredBatchSizes,
      int maxQueueSize,
      long maxQueuedBytes,
      Duration defaultTimeout,
      int priorityLevels,
      AdaptiveBatching adaptive) {
    this(
        maxBatchSize,
        maxQueueDelay,
        preferredBatchSizes,
        maxQueueSize,
        maxQueuedBytes,
        defaultTimeout,
        priorityLevels,
        adaptive,
        Duration.ZERO);
  }

  /** A builder with defaults: see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this policy's values. */
  public Builder toBuilder() {
    return new Builder()
        .maxBatchSize(maxBatchSize)
        .maxQueueDelay(maxQueueDelay)
        .preferredBatchSizes(preferredBatchSizes)
        .maxQueueSize(maxQueueSize)
        .maxQueuedBytes(maxQueuedBytes)
        .defaultTimeout(defaultTimeout)
        .priorityLevels(priorityLevels)
        .adaptive(adaptive)
        .maxQueuedWork(maxQueuedWork);
  }

  /**
   * Fluent builder. Defaults: maxBatchSize 8, maxQueueDelay 0, no preferred sizes, maxQueueSize
   * 1024, maxQueuedBytes 256 MiB, defaultTimeout ZERO (none), priorityLevels 1, adaptive disabled,
   * maxQueuedWork ZERO (no bound on the estimated time to drain the queue). Validation happens in
   * {@link #build()}.
   */
  public static final class Builder {
    private int maxBatchSize = 8;
    private Duration maxQueueDelay = Duration.ZERO;
    private List<Integer> preferredBatchSizes = List.of();
    private int maxQueueSize = 1024;
    private long maxQueuedBytes = 256L * 1024 * 1024;
    private Duration defaultTimeout = Duration.ZERO;
    private int priorityLevels = 1;
    private AdaptiveBatching adaptive = AdaptiveBatching.disabled();
    private Duration maxQueuedWork = Duration.ZERO;

    private Builder() {}

    public Builder maxBatchSize(int value) {
      this.maxBatchSize = value;
      return this;
    }

    public Builder maxQueueDelay(Duration value) {
      this.maxQueueDelay = value;
      return this;
    }

    public Builder preferredBatchSizes(List<Integer> value) {
      this.preferredBatchSizes = value;
      return this;
    }

    public Builder preferredBatchSizes(Integer... value) {
      this.preferredBatchSizes = List.of(value);
      return this;
    }

    public Builder maxQueueSize(int value) {
      this.maxQueueSize = value;
      return this;
    }

    public Builder maxQueuedBytes(long value) {
      this.maxQueuedBytes = value;
      return this;
    }

    public Builder defaultTimeout(Duration value) {
      this.defaultTimeout = value;
      return this;
    }

    public Builder priorityLevels(int value) {
      this.priorityLevels = value;
      return this;
    }

    public Builder adaptive(AdaptiveBatching value) {
      this.adaptive = value;
      return this;
    }

    /**
     * Rejects a request (RESOURCE_EXHAUSTED with a retry hint) when the queue, with it, would take
     * longer than this to drain by the instances' run-time estimates; ZERO = no bound.
     */
    public Builder maxQueuedWork(Duration value) {
      this.maxQueuedWork = value;
      return this;
    }

    public BatchPolicy build() {
      return new BatchPolicy(
          maxBatchSize,
          maxQueueDelay,
          preferredBatchSizes,
          maxQueueSize,
          maxQueuedBytes,
          defaultTimeout,
          priorityLevels,
          adaptive,
          maxQueuedWork);
    }
  }
}
