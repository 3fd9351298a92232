package dev.classifier.server.grpc;

import dev.classifier.batching.SubmitOptions;
import dev.classifier.batching.Ticker;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/** Builds batcher submit options from a call: its gRPC deadline, priority and payload size. */
final class Admission {
  private Admission() {}

  static SubmitOptions options(Ticker ticker, int priority, long payloadBytes) {
    return options(ticker, priority, payloadBytes, 0);
  }

  /**
   * As {@link #options(Ticker, int, long)}, with a request timeout ({@code timeoutNanos > 0}) that
   * shortens the call's deadline when it ends earlier.
   */
  static SubmitOptions options(Ticker ticker, int priority, long payloadBytes, long timeoutNanos) {
    SubmitOptions o = options(ticker, priority, payloadBytes, Context.current().getDeadline());
    if (timeoutNanos <= 0) {
      return o;
    }
    long now = ticker.nanoTime();
    long byTimeout =
        now > Long.MAX_VALUE - timeoutNanos ? SubmitOptions.NO_DEADLINE : now + timeoutNanos;
    return o.deadlineNanos() == SubmitOptions.NO_DEADLINE || byTimeout - o.deadlineNanos() < 0
        ? new SubmitOptions(priority, byTimeout, payloadBytes)
        : o;
  }

  private static SubmitOptions options(
      Ticker ticker, int priority, long payloadBytes, Deadline deadline) {
    long deadlineNanos = SubmitOptions.NO_DEADLINE;
    if (deadline != null) {
      long remaining = deadline.timeRemaining(TimeUnit.NANOSECONDS);
      long now = ticker.nanoTime();
      // saturating now + remaining (nanoTime may be negative, so compare against MAX - remaining)
      deadlineNanos =
          remaining > 0 && now > Long.MAX_VALUE - remaining
              ? SubmitOptions.NO_DEADLINE
              : now + remaining;
    }
    return new SubmitOptions(priority, deadlineNanos, payloadBytes);
  }
}
