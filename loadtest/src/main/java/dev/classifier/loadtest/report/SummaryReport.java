package dev.classifier.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.classifier.loadtest.baseline.InProcessOnnx;
import dev.classifier.loadtest.measure.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The small, committable summary of one invocation ({@code NAME.summary.json}): where the figures
 * came from ({@link Provenance}) and the headline numbers of every run, baseline and finding,
 * without the windows and histograms of the full {@code NAME.json}. The bench scripts copy it to
 * {@code docs/results/<date>-<name>.json}; every figure quoted in README and docs/ names such a
 * file. The format is versioned by {@code schema}.
 */
public final class SummaryReport {
  /** Bumped when a field is renamed or removed. */
  public static final int SCHEMA = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SummaryReport() {}

  /** The summary file's content. */
  public record Summary(
      int schema,
      String name,
      String title,
      String date,
      Machine machine,
      String command,
      String gitCommit,
      List<Run> runs,
      List<Baseline> inProcess,
      MaxRate maxRate,
      List<Finding> findings) {}

  /** One load run's headline numbers (latencies in ms). */
  public record Run(
      String label,
      String target,
      String transport,
      int concurrency,
      double offeredRatePerSecond,
      double imagesPerSecond,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double p999Ms,
      long errors,
      boolean stable,
      Double serverMeanBatchSize) {
    static Run of(RunResult r) {
      return new Run(
          r.label(),
          r.target(),
          r.transport(),
          r.concurrency(),
          r.offeredRatePerSecond(),
          r.imagesPerSecond(),
          r.latency().p50Millis(),
          r.latency().p90Millis(),
          r.latency().p99Millis(),
          r.latency().p999Millis(),
          r.errorCount(),
          r.stable(),
          r.server() == null || Double.isNaN(r.server().meanBatchSize())
              ? null
              : r.server().meanBatchSize());
    }
  }

  /** One in-process ONNX Runtime measurement (batch latency in ms). */
  public record Baseline(int batchSize, String pass, double imagesPerSecond, double batchP50Ms) {}

  /** The find-max-rate answer. */
  public record MaxRate(double bestRatePerSecond, double p99BoundMillis) {}

  /** The summary of {@code report}, run as {@code name}. */
  public static Summary of(String name, Report report, Provenance provenance) {
    return new Summary(
        SCHEMA,
        name,
        report.title(),
        provenance.date(),
        provenance.machine(),
        provenance.command(),
        provenance.gitCommit(),
        report.runs().stream().map(Run::of).toList(),
        report.inProcess().stream().map(SummaryReport::baseline).toList(),
        report.maxRate() == null
            ? null
            : new MaxRate(report.maxRate().bestRatePerSecond(), report.maxRate().p99BoundMillis()),
        report.findings());
  }

  private static Baseline baseline(InProcessOnnx.Result r) {
    return new Baseline(r.batchSize(), r.pass(), r.imagesPerSecond(), r.batchLatency().p50Millis());
  }

  public static void write(Summary summary, Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), summary);
  }
}
