package dev.classifier.loadtest.scenario;

import dev.classifier.loadtest.measure.Outcomes;
import dev.classifier.loadtest.schedule.ArrivalSchedule;
import dev.classifier.loadtest.transport.RequestSender;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Warms the load tester's own sending path (stubs, request building, Netty client, open or closed
 * loop, outcome recording) before it measures, by running the same load shape for a while against a
 * warm-up target that is <em>not</em> the server under test (an in-process {@code
 * ClassifierEchoServer}, or {@code --warmup-target}). Nothing it records is reported.
 */
public final class ClientWarmup {
  private ClientWarmup() {}

  /** What a warm-up sent. */
  public record Result(long requests, long errors) {}

  /**
   * Runs an open loop on {@code schedule} (or, when null, a closed loop of {@code concurrency})
   * through {@code sender} for {@code duration}, then stops it and waits for what is in flight.
   */
  public static Result run(
      RequestSender sender,
      ArrivalSchedule schedule,
      int concurrency,
      int maxOutstanding,
      Duration duration,
      Consumer<String> progress)
      throws InterruptedException {
    Outcomes outcomes = new Outcomes();
    progress.accept(
        "client warm-up "
            + duration.toMillis()
            + " ms ("
            + (schedule == null ? "closed loop c=" + concurrency : "open loop")
            + ", not against the server under test)");
    Load load =
        schedule == null
            ? ClosedLoop.start(sender, concurrency, outcomes)
            : OpenLoop.start(sender, schedule, maxOutstanding, outcomes);
    try {
      Thread.sleep(duration.toMillis()); // the load runs on its own thread meanwhile
    } finally {
      load.stop();
    }
    Outcomes.Snapshot s = outcomes.snapshot();
    return new Result(s.requests() + s.errorCount(), s.errorCount());
  }
}
