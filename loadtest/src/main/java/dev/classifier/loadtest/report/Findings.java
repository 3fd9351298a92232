package dev.classifier.loadtest.report;

import dev.classifier.loadtest.baseline.InProcessOnnx;
import dev.classifier.loadtest.measure.RunResult;
import dev.classifier.loadtest.scenario.MaxRateSearch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Derives the headline ratios from the runs and baselines of one invocation. */
public final class Findings {
  private Findings() {}

  public static List<Finding> compute(
      List<RunResult> runs, List<InProcessOnnx.Result> inProcess, MaxRateSearch.Found maxRate) {
    List<Finding> out = new ArrayList<>();
    Optional<RunResult> bestServer = best(runs, "server", null);
    if (bestServer.isPresent() && !inProcess.isEmpty()) {
      RunResult s = bestServer.get();
      InProcessOnnx.Result i = sameBatch(s, inProcess);
      out.add(
          new Finding(
              "serving_overhead",
              s.imagesPerSecond() / i.imagesPerSecond(),
              "ratio",
              fmt(
                  "server %.0f img/s (%s) / in-process ONNX Runtime %.0f img/s at batch %d; >= 0.95 means"
                      + " under 5%% lost to serving; server mean batch %.2f",
                  s.imagesPerSecond(),
                  s.label(),
                  i.imagesPerSecond(),
                  i.batchSize(),
                  s.server() == null ? Double.NaN : s.server().meanBatchSize())));
    }
    for (String transport : List.of("unary", "stream")) {
      best(runs, "server", transport)
          .ifPresent(
              r ->
                  out.add(
                      new Finding(
                          "best_" + transport + "_images_per_s",
                          r.imagesPerSecond(),
                          "images/s",
                          r.label())));
    }
    Optional<RunResult> u = best(runs, "server", "unary");
    Optional<RunResult> st = best(runs, "server", "stream");
    if (u.isPresent() && st.isPresent()) {
      out.add(
          new Finding(
              "stream_vs_unary",
              st.get().imagesPerSecond() / u.get().imagesPerSecond(),
              "ratio",
              st.get().label() + " / " + u.get().label()));
    }
    for (RunResult off : runs) {
      if (!off.target().equals("batching-off") || !off.scenario().equals("closed")) {
        continue;
      }
      runs.stream()
          .filter(
              r ->
                  r.target().equals("server")
                      && r.scenario().equals("closed")
                      && r.transport().equals(off.transport())
                      && r.concurrency() == off.concurrency())
          .findFirst()
          .ifPresent(
              on ->
                  out.add(
                      new Finding(
                          "batching_gain_" + off.transport() + "_c" + off.concurrency(),
                          on.imagesPerSecond() / off.imagesPerSecond(),
                          "ratio",
                          fmt(
                              "%.0f img/s with dynamic batching / %.0f img/s with max batch size 1, %s, "
                                  + "concurrency %d",
                              on.imagesPerSecond(),
                              off.imagesPerSecond(),
                              off.transport(),
                              off.concurrency()))));
    }
    Optional<InProcessOnnx.Result> b1 =
        inProcess.stream()
            .filter(i -> i.batchSize() == 1)
            .min(Comparator.comparingDouble(i -> i.batchLatency().p50Millis()));
    for (String transport : List.of("unary", "stream")) {
      Optional<RunResult> c1 =
          runs.stream()
              .filter(
                  r ->
                      r.target().equals("server")
                          && r.scenario().equals("closed")
                          && r.concurrency() == 1
                          && r.imagesPerRequest() == 1
                          && r.transport().equals(transport))
              .findFirst();
      if (c1.isPresent() && b1.isPresent()) {
        out.add(
            new Finding(
                "low_load_latency_added_" + transport,
                c1.get().latency().p50Millis() - b1.get().batchLatency().p50Millis(),
                "ms",
                fmt(
                    "p50 %.3f ms (%s) - in-process single-image p50 %.3f ms",
                    c1.get().latency().p50Millis(),
                    c1.get().label(),
                    b1.get().batchLatency().p50Millis())));
      }
    }
    for (RunResult echo : runs) {
      if (!echo.target().equals("echo")) {
        continue;
      }
      runs.stream()
          .filter(
              r ->
                  r.target().equals("server")
                      && r.scenario().equals("closed")
                      && r.transport().equals("unary")
                      && r.concurrency() == echo.concurrency())
          .findFirst()
          .ifPresent(
              s ->
                  out.add(
                      new Finding(
                          "transport_share_p50_c" + echo.concurrency(),
                          echo.latency().p50Millis() / s.latency().p50Millis(),
                          "ratio",
                          fmt(
                              "gRPC echo p50 %.3f ms / server unary p50 %.3f ms at concurrency %d (same payload);"
                                  + " echo %.0f vs server %.0f img/s",
                              echo.latency().p50Millis(),
                              s.latency().p50Millis(),
                              echo.concurrency(),
                              echo.imagesPerSecond(),
                              s.imagesPerSecond()))));
    }
    if (maxRate != null) {
      double highest =
          maxRate.curve().stream().mapToDouble(RunResult::offeredRatePerSecond).max().orElse(0);
      String capped =
          maxRate.bestRatePerSecond() > 0 && maxRate.bestRatePerSecond() >= highest
              ? "; the highest rate tried passed, so the true maximum is higher: raise --rate-high"
              : maxRate.bestRatePerSecond() == 0
                  ? "; even the lowest rate failed: lower --rate-low"
                  : "";
      out.add(
          new Finding(
              "max_poisson_rate",
              maxRate.bestRatePerSecond(),
              "requests/s",
              fmt(
                  "highest Poisson rate with p99 <= %.1f ms and no errors (%d runs)%s",
                  maxRate.p99BoundMillis(), maxRate.curve().size(), capped)));
    }
    long unstable = runs.stream().filter(r -> !r.stable()).count();
    out.add(
        new Finding(
            "unstable_runs",
            unstable,
            "runs",
            unstable == 0
                ? "every run met the stability rule"
                : "runs whose last windows disagreed; treat their numbers with care"));
    return out;
  }

  /**
   * The in-process result at the batch size the server ran (closest to its mean batch size from
   * /metrics), else at the largest batch size measured; of several passes, the fastest (the
   * conservative choice for an overhead ratio).
   */
  static InProcessOnnx.Result sameBatch(RunResult server, List<InProcessOnnx.Result> inProcess) {
    double mean = server.server() == null ? Double.NaN : server.server().meanBatchSize();
    if (Double.isNaN(mean)) {
      return inProcess.stream()
          .max(
              Comparator.comparingInt(InProcessOnnx.Result::batchSize)
                  .thenComparingDouble(InProcessOnnx.Result::imagesPerSecond))
          .get();
    }
    int size =
        inProcess.stream()
            .min(Comparator.comparingDouble(i -> Math.abs(i.batchSize() - mean)))
            .get()
            .batchSize();
    return inProcess.stream()
        .filter(i -> i.batchSize() == size)
        .max(Comparator.comparingDouble(InProcessOnnx.Result::imagesPerSecond))
        .get();
  }

  private static Optional<RunResult> best(List<RunResult> runs, String target, String transport) {
    return runs.stream()
        .filter(
            r ->
                r.target().equals(target) && (transport == null || r.transport().equals(transport)))
        .max(Comparator.comparingDouble(RunResult::imagesPerSecond));
  }

  private static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
