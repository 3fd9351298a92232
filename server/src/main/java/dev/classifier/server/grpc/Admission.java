package dev.classifier.server.grpc;

import dev.classifier.batching.SubmitOptions;
import dev.classifier.batching.Ticker;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/**
 * Builds batcher submit options from a call: its gRPC deadline, priority and payload size. Every
 * gRPC front-end (classifier.v1, the Open Inference Protocol) takes its call deadline from here.
 */
public final class Admission {
  private Admission() {}

  static SubmitOptions options(Ticker ticker, int priority, long payloadBytes) {
    return new SubmitOptions(priority, deadlineNanos(ticker), payloadBytes);
  }

  /** The current call's deadline in {@code ticker} time, or {@link SubmitOptions#NO_DEADLINE}. */
  public static long deadlineNanos(Ticker ticker) {
    Deadline deadline = Context.current().getDeadline();
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
    return deadlineNanos;
  }
}
