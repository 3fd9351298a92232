package dev.classifier.batching;

import dev.classifier.batching.BatcherListener.CloseReason;

/**
 * The batch-formation rule for one idle instance, as a pure function of what is queued (Triton's
 * dynamic batcher, capped by the nearest deadline). Stateless; see {@link #decide}.
 */
final class FormationRule {
  private FormationRule() {}

  /**
   * Mutable result holder, reused under the batcher's lock to keep the hot path allocation-free.
   */
  static final class Decision {
    /** Null means "wait until {@link #wakeAtNanos}". */
    CloseReason reason;

    int size;
    long wakeAtNanos;

    boolean dispatch() {
      return reason != null;
    }

    private void close(int batchSize, CloseReason why) {
      this.size = batchSize;
      this.reason = why;
      this.wakeAtNanos = Long.MAX_VALUE;
    }

    private void waitUntil(long nanos) {
      this.size = 0;
      this.reason = null;
      this.wakeAtNanos = nanos;
    }
  }

  /**
   * Decides whether an idle instance should take a batch now, of what size, and why.
   *
   * @param candidates live queued requests considered, in priority order, at most {@code cap} (must
   *     be {@code >= 1})
   * @param cap effective max batch size of the instance
   * @param preferred sorted preferred sizes (may contain sizes above {@code cap}, ignored)
   * @param delayNanos effective max queue delay
   * @param draining the batcher is closing: flush without waiting
   * @param oldestEnqueueNanos submit time of the oldest candidate
   * @param earliestDeadlineNanos earliest deadline among candidates ({@code Long.MAX_VALUE}: none)
   * @param estimatedRunNanos expected run time of the batch
   */
  static void decide(
      int candidates,
      int cap,
      int[] preferred,
      long delayNanos,
      boolean draining,
      long nowNanos,
      long oldestEnqueueNanos,
      long earliestDeadlineNanos,
      long estimatedRunNanos,
      Decision out) {
    if (draining) {
      out.close(Math.min(candidates, cap), CloseReason.DRAINING);
      return;
    }
    if (candidates >= cap) {
      out.close(cap, CloseReason.FULL);
      return;
    }
    if (delayNanos <= 0) {
      int p = largestPreferredAtMost(preferred, candidates);
      if (p > 0) {
        out.close(p, CloseReason.PREFERRED_SIZE);
      } else {
        out.close(candidates, CloseReason.IMMEDIATE);
      }
      return;
    }
    int largest = largestPreferredAtMost(preferred, cap);
    if (largest > 0 && candidates >= largest) {
      out.close(largest, CloseReason.PREFERRED_SIZE);
      return;
    }
    long delayEndsAt = saturatedAdd(oldestEnqueueNanos, delayNanos);
    if (nowNanos - delayEndsAt >= 0) {
      int p = largestPreferredAtMost(preferred, candidates);
      if (p > 0) {
        out.close(p, CloseReason.PREFERRED_SIZE);
      } else {
        out.close(candidates, CloseReason.DELAY_ELAPSED);
      }
      return;
    }
    long closeBy =
        earliestDeadlineNanos == Long.MAX_VALUE
            ? Long.MAX_VALUE
            : earliestDeadlineNanos - Math.max(0L, estimatedRunNanos);
    if (nowNanos >= closeBy) {
      out.close(candidates, CloseReason.DEADLINE);
      return;
    }
    out.waitUntil(Math.min(delayEndsAt, closeBy));
  }

  /** Largest preferred size {@code <= limit}, or 0 if none. */
  static int largestPreferredAtMost(int[] preferred, int limit) {
    for (int i = preferred.length - 1; i >= 0; i--) {
      if (preferred[i] <= limit) {
        return preferred[i];
      }
    }
    return 0;
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }
}
