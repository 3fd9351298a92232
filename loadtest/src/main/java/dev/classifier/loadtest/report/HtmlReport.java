package dev.classifier.loadtest.report;

import static dev.classifier.loadtest.report.SvgChart.esc;

import dev.classifier.loadtest.baseline.InProcessOnnx;
import dev.classifier.loadtest.measure.HistogramBucket;
import dev.classifier.loadtest.measure.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page: findings, three inline SVG charts (latency percentiles vs offered
 * load, throughput vs concurrency, latency histogram) and the tables behind them.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static void write(Report report, Path file) throws IOException {
    Files.writeString(file, toHtml(report), StandardCharsets.UTF_8);
  }

  public static String toHtml(Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(r.title()))
        .append(
            "</title>\n<style>body{font-family:sans-serif;margin:24px;max-width:1400px}"
                + "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;"
                + "padding:3px 8px;text-align:right;font-size:13px}th{background:#f2f2f2}"
                + "td.l,th.l{text-align:left}.bad{color:#b00}.ok{color:#070}"
                + ".charts svg{margin:6px;border:1px solid #ddd}</style></head><body>\n");
    sb.append("<h1>")
        .append(esc(r.title()))
        .append("</h1>\n<p>")
        .append(esc(r.createdAt()))
        .append("</p>\n");
    sb.append("<h2>Environment</h2>\n<table>");
    r.environment()
        .forEach(
            (k, v) ->
                sb.append("<tr><th class=\"l\">")
                    .append(esc(k))
                    .append("</th><td class=\"l\">")
                    .append(esc(v))
                    .append("</td></tr>"));
    sb.append(
        "</table>\n<h2>Findings</h2>\n<table><tr><th class=\"l\">finding</th><th>value</th>"
            + "<th class=\"l\">unit</th><th class=\"l\">how</th></tr>\n");
    for (Finding f : r.findings()) {
      sb.append("<tr><td class=\"l\">")
          .append(esc(f.name()))
          .append("</td><td>")
          .append(n(f.value()))
          .append("</td><td class=\"l\">")
          .append(esc(f.unit()))
          .append("</td><td class=\"l\">")
          .append(esc(f.detail()))
          .append("</td></tr>\n");
    }
    sb.append("</table>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
    sb.append(latencyVsLoad(r.runs()));
    sb.append(throughputVsConcurrency(r.runs()));
    sb.append(histogram(r.runs()));
    sb.append("</div>\n<h2>Runs</h2>\n");
    runsTable(sb, r.runs());
    if (!r.inProcess().isEmpty()) {
      sb.append(
          "<h2>In-process ONNX Runtime baseline</h2>\n<table><tr><th class=\"l\">pass</th><th>batch size</th>"
              + "<th>images/s</th><th>batch p50 ms</th><th>batch p99 ms</th></tr>\n");
      for (InProcessOnnx.Result i : r.inProcess()) {
        sb.append("<tr><td class=\"l\">")
            .append(esc(i.pass()))
            .append("</td><td>")
            .append(i.batchSize())
            .append("</td><td>")
            .append(n(i.imagesPerSecond()))
            .append("</td><td>")
            .append(n(i.batchLatency().p50Millis()))
            .append("</td><td>")
            .append(n(i.batchLatency().p99Millis()))
            .append("</td></tr>\n");
      }
      sb.append("</table>\n");
    }
    if (r.maxRate() != null) {
      sb.append("<h2>Max Poisson rate</h2>\n<p>Highest rate with p99 &le; ")
          .append(n(r.maxRate().p99BoundMillis()))
          .append(" ms, no errors: <b>")
          .append(n(r.maxRate().bestRatePerSecond()))
          .append(" requests/s</b></p>\n");
    }
    return sb.append("</body></html>\n").toString();
  }

  private static void runsTable(StringBuilder sb, List<RunResult> runs) {
    sb.append(
        "<table><tr><th class=\"l\">run</th><th>conc.</th><th>offered/s</th><th>images/s</th>"
            + "<th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th>"
            + "<th class=\"l\">errors</th><th class=\"l\">stable</th><th>srv batch</th>"
            + "<th>srv queue ms (mean or p50/p99)</th><th>srv compute ms/batch</th>"
            + "<th>srv request ms</th><th>srv img/s</th></tr>\n");
    for (RunResult r : runs) {
      RunResult.ServerSide s = r.server();
      sb.append("<tr><td class=\"l\">")
          .append(esc(r.label()))
          .append("</td><td>")
          .append(r.concurrency())
          .append("</td><td>")
          .append(n(r.offeredRatePerSecond()))
          .append("</td><td>")
          .append(n(r.imagesPerSecond()))
          .append("</td><td>")
          .append(n(r.latency().p50Millis()))
          .append("</td><td>")
          .append(n(r.latency().p90Millis()))
          .append("</td><td>")
          .append(n(r.latency().p95Millis()))
          .append("</td><td>")
          .append(n(r.latency().p99Millis()))
          .append("</td><td>")
          .append(n(r.latency().p999Millis()))
          .append("</td><td>")
          .append(n(r.latency().maxMillis()))
          .append("</td><td class=\"l\">")
          .append(esc(r.errors().isEmpty() ? "0" : r.errors().toString()))
          .append("</td><td class=\"l ")
          .append(r.stable() ? "ok" : "bad")
          .append("\" title=\"")
          .append(esc(r.stabilityReason()))
          .append("\">")
          .append(r.stable() ? "yes" : "NO: " + esc(r.stabilityReason()))
          .append("</td><td>")
          .append(s == null ? "" : n(s.meanBatchSize()))
          .append("</td><td>")
          .append(s == null ? "" : queue(s))
          .append("</td><td>")
          .append(s == null ? "" : n(s.meanComputeMillisPerBatch()))
          .append("</td><td>")
          .append(s == null ? "" : n(s.meanRequestMillis()))
          .append("</td><td>")
          .append(s == null ? "" : n(s.serverImagesPerSecond()))
          .append("</td></tr>\n");
    }
    sb.append(
        "</table>\n<p>Latencies in ms. Open-loop latency runs from each request's scheduled "
            + "send time.</p>\n");
  }

  private static String latencyVsLoad(List<RunResult> runs) {
    List<RunResult> open =
        runs.stream()
            .filter(r -> r.scenario().equals("open") && r.target().equals("server"))
            .toList();
    boolean closed = open.isEmpty();
    List<RunResult> pts =
        closed
            ? runs.stream()
                .filter(r -> r.scenario().equals("closed") && r.target().equals("server"))
                .toList()
            : open;
    Map<String, List<RunResult>> byTransport = new LinkedHashMap<>();
    for (RunResult r : pts) {
      byTransport.computeIfAbsent(r.transport(), k -> new ArrayList<>()).add(r);
    }
    boolean one = byTransport.size() <= 1;
    List<SvgChart.Series> s = new ArrayList<>();
    byTransport.forEach(
        (transport, list) -> {
          List<RunResult> sorted =
              list.stream()
                  .sorted(
                      Comparator.comparingDouble(
                          r -> closed ? r.imagesPerSecond() : r.offeredRatePerSecond()))
                  .toList();
          double[] x =
              sorted.stream()
                  .mapToDouble(
                      r ->
                          closed
                              ? r.imagesPerSecond()
                              : r.offeredRatePerSecond() * r.imagesPerRequest())
                  .toArray();
          String suffix = one ? "" : " " + transport;
          s.add(
              new SvgChart.Series(
                  "p50" + suffix,
                  x,
                  sorted.stream().mapToDouble(r -> r.latency().p50Millis()).toArray()));
          if (one) {
            s.add(
                new SvgChart.Series(
                    "p90", x, sorted.stream().mapToDouble(r -> r.latency().p90Millis()).toArray()));
          }
          s.add(
              new SvgChart.Series(
                  "p99" + suffix,
                  x,
                  sorted.stream().mapToDouble(r -> r.latency().p99Millis()).toArray()));
        });
    return SvgChart.line(
        "Latency percentiles vs offered load",
        closed ? "images/s (closed loop: achieved)" : "offered images/s (open loop)",
        "latency (ms)",
        s);
  }

  private static String throughputVsConcurrency(List<RunResult> runs) {
    Map<String, List<RunResult>> groups = new LinkedHashMap<>();
    for (RunResult r : runs) {
      if (r.scenario().equals("closed")) {
        String key =
            r.target().equals(r.transport()) ? r.target() : r.target() + " " + r.transport();
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
    }
    List<SvgChart.Series> s = new ArrayList<>();
    groups.forEach(
        (k, v) -> {
          List<RunResult> sorted =
              v.stream().sorted(Comparator.comparingInt(RunResult::concurrency)).toList();
          s.add(
              new SvgChart.Series(
                  k,
                  sorted.stream().mapToDouble(RunResult::concurrency).toArray(),
                  sorted.stream().mapToDouble(RunResult::imagesPerSecond).toArray()));
        });
    return SvgChart.line("Throughput vs concurrency", "requests in flight", "images/s", s);
  }

  private static String histogram(List<RunResult> runs) {
    RunResult best =
        runs.stream()
            .filter(r -> r.target().equals("server"))
            .max(Comparator.comparingLong(RunResult::requests))
            .orElse(runs.isEmpty() ? null : runs.get(0));
    List<String> labels = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    if (best != null) {
      for (HistogramBucket b : best.histogram()) {
        if (b.count() > 0 || !counts.isEmpty()) {
          labels.add(String.format(Locale.ROOT, "%.3g", b.toMillis()));
          counts.add((double) b.count());
        }
      }
    }
    return SvgChart.bars(
        "Latency histogram" + (best == null ? "" : ": " + best.label()),
        "latency upper bound (ms)",
        "requests",
        labels,
        counts.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static String queue(RunResult.ServerSide s) {
    if (!Double.isNaN(s.meanQueueWaitMillis())) {
      return n(s.meanQueueWaitMillis());
    }
    Double p50 = s.queueWaitQuantilesMillis().get("0.5");
    Double p99 = s.queueWaitQuantilesMillis().get("0.99");
    return p50 == null ? "" : n(p50) + " / " + (p99 == null ? "" : n(p99));
  }

  static String n(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
