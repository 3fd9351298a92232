package dev.classifier.loadtest.report;

import dev.classifier.loadtest.measure.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

/** One CSV row per run (RFC 4180 quoting), for spreadsheets and plotting. */
public final class CsvReport {
  static final String HEADER =
      "label,scenario,target,transport,concurrency,offered_rate_per_s,images_per_request,"
          + "measured_s,requests,images_per_s,p50_ms,p90_ms,p95_ms,p99_ms,p999_ms,max_ms,errors,"
          + "error_codes,stable,server_mean_batch_size,server_mean_queue_wait_ms,server_queue_wait_p50_ms,server_queue_wait_p99_ms,server_mean_compute_ms_per_batch,"
          + "server_mean_request_ms,server_images_per_s";

  private CsvReport() {}

  public static void write(Report report, Path file) throws IOException {
    Files.writeString(file, toCsv(report), StandardCharsets.UTF_8);
  }

  public static String toCsv(Report report) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (RunResult r : report.runs()) {
      RunResult.ServerSide s = r.server();
      sb.append(
              String.join(
                  ",",
                  quote(r.label()),
                  r.scenario(),
                  r.target(),
                  r.transport(),
                  Integer.toString(r.concurrency()),
                  num(r.offeredRatePerSecond()),
                  Integer.toString(r.imagesPerRequest()),
                  num(r.measuredSeconds()),
                  Long.toString(r.requests()),
                  num(r.imagesPerSecond()),
                  num(r.latency().p50Millis()),
                  num(r.latency().p90Millis()),
                  num(r.latency().p95Millis()),
                  num(r.latency().p99Millis()),
                  num(r.latency().p999Millis()),
                  num(r.latency().maxMillis()),
                  Long.toString(r.errorCount()),
                  quote(
                      r.errors().entrySet().stream()
                          .map(e -> e.getKey() + "=" + e.getValue())
                          .collect(Collectors.joining(";"))),
                  Boolean.toString(r.stable()),
                  s == null ? "" : num(s.meanBatchSize()),
                  s == null ? "" : num(s.meanQueueWaitMillis()),
                  s == null
                      ? ""
                      : num(s.queueWaitQuantilesMillis().getOrDefault("0.5", Double.NaN)),
                  s == null
                      ? ""
                      : num(s.queueWaitQuantilesMillis().getOrDefault("0.99", Double.NaN)),
                  s == null ? "" : num(s.meanComputeMillisPerBatch()),
                  s == null ? "" : num(s.meanRequestMillis()),
                  s == null ? "" : num(s.serverImagesPerSecond())))
          .append('\n');
    }
    return sb.toString();
  }

  static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String quote(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
