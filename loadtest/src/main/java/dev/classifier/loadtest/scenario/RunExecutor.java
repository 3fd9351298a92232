package dev.classifier.loadtest.scenario;

import dev.classifier.loadtest.measure.HistogramBucket;
import dev.classifier.loadtest.measure.LatencySummary;
import dev.classifier.loadtest.measure.MeasurementPlan;
import dev.classifier.loadtest.measure.Outcomes;
import dev.classifier.loadtest.measure.RunResult;
import dev.classifier.loadtest.measure.WindowedMeasurement;
import dev.classifier.loadtest.metrics.MetricsScraper;
import dev.classifier.loadtest.metrics.PrometheusText;
import dev.classifier.loadtest.metrics.ServerSideDelta;
import dev.classifier.loadtest.schedule.ArrivalSchedule;
import dev.classifier.loadtest.transport.RequestSender;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one load shape with warm-up, windows and the stability rule, scraping the server's /metrics
 * (when a scraper is given) at the start and end of the measured part.
 */
public final class RunExecutor {
  private final MeasurementPlan plan;
  private final Consumer<String> progress;
  private final MetricsScraper scraper;
  private final String model;

  /**
   * @param scraper the server's /metrics, or null
   * @param model model label for /metrics ("" = all)
   */
  public RunExecutor(
      MeasurementPlan plan, Consumer<String> progress, MetricsScraper scraper, String model) {
    this.plan = plan;
    this.progress = progress;
    this.scraper = scraper;
    this.model = model;
  }

  /** Closed loop at {@code concurrency}. */
  public RunResult closed(String label, String target, RequestSender sender, int concurrency)
      throws InterruptedException {
    Outcomes outcomes = new Outcomes();
    Load load = ClosedLoop.start(sender, concurrency, outcomes);
    return measureThenStop(label, "closed", target, sender, concurrency, 0, outcomes, load);
  }

  /** Open loop on {@code schedule}, latency from scheduled times. */
  public RunResult open(
      String label,
      String target,
      RequestSender sender,
      ArrivalSchedule schedule,
      int maxOutstanding)
      throws InterruptedException {
    Outcomes outcomes = new Outcomes();
    Load load = OpenLoop.start(sender, schedule, maxOutstanding, outcomes);
    return measureThenStop(
        label, "open", target, sender, 0, schedule.ratePerSecond(), outcomes, load);
  }

  /** Offline: {@code requests} at once; throughput = images / time to the last answer. */
  public RunResult offline(
      String label, String target, RequestSender sender, int requests, int maxOutstanding)
      throws InterruptedException {
    PrometheusText.Exposition before = scraper == null ? null : scraper.scrape();
    Outcomes outcomes = new Outcomes();
    progress.accept(label + ": sending " + requests + " requests at once");
    double seconds = Offline.run(sender, requests, maxOutstanding, outcomes, 600);
    Outcomes.Snapshot s = outcomes.snapshot();
    RunResult r =
        new RunResult(
            label,
            "offline",
            target,
            sender.transport(),
            maxOutstanding,
            0,
            sender.imagesPerRequest(),
            seconds,
            s.requests(),
            s.images() / seconds,
            LatencySummary.of(s.latencies()),
            s.errors(),
            s.errorCount() == 0,
            s.errorCount() == 0
                ? "offline: one pass, all answered"
                : "offline: some requests failed",
            List.of(),
            HistogramBucket.logBuckets(s.latencies()),
            null);
    return withServer(r, before, seconds);
  }

  private RunResult measureThenStop(
      String label,
      String scenario,
      String target,
      RequestSender sender,
      int concurrency,
      double rate,
      Outcomes outcomes,
      Load load)
      throws InterruptedException {
    PrometheusText.Exposition[] before = new PrometheusText.Exposition[1];
    WindowedMeasurement.Measured m;
    try {
      m =
          new WindowedMeasurement(plan, progress)
              .measure(
                  outcomes,
                  label,
                  () -> {
                    if (scraper != null) {
                      try {
                        before[0] = scraper.scrape();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }
                  });
    } finally {
      load.stop();
    }
    RunResult r =
        new RunResult(
            label,
            scenario,
            target,
            sender.transport(),
            concurrency,
            rate,
            sender.imagesPerRequest(),
            m.seconds(),
            m.requests(),
            m.images() / m.seconds(),
            LatencySummary.of(m.latencies()),
            m.errors(),
            m.stability().stable(),
            m.stability().reason(),
            m.windows(),
            HistogramBucket.logBuckets(m.latencies()),
            null);
    return withServer(r, before[0], m.seconds());
  }

  private RunResult withServer(RunResult r, PrometheusText.Exposition before, double seconds)
      throws InterruptedException {
    // Only the main server's /metrics is known; the batching-off server and the echo are not it.
    if (scraper == null || before == null || !"server".equals(r.target())) {
      return r;
    }
    PrometheusText.Exposition after = scraper.scrape();
    return after == null ? r : r.withServer(ServerSideDelta.between(before, after, model, seconds));
  }
}
