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
    Deadline deadline = Context.current().getDeadline();
    long deadlineNanos = Long.MAX_VALUE;
    if (deadline != null) {
      long remaining = deadline.timeRemaining(TimeUnit.NANOSECONDS);
      long now = ticker.nanoTime();
      deadlineNanos = remaining > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + remaining;
    }
    return SubmitOptions.defaults()
        .withPriority(priority)
        .withDeadlineNanos(deadlineNanos)
        .withPayloadBytes(payloadBytes);
  }
}
