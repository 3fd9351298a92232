package dev.classifier.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.classifier.loadtest.baseline.InProcessOnnx;
import dev.classifier.loadtest.measure.HistogramBucket;
import dev.classifier.loadtest.measure.LatencySummary;
import dev.classifier.loadtest.measure.RunResult;
import dev.classifier.loadtest.measure.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
  @TempDir Path dir;

  static RunResult run(String label, String target, int c, double imgs, double p50) {
    return new RunResult(
        label,
        "closed",
        target,
        "unary",
        c,
        0,
        1,
        6,
        (long) (imgs * 6),
        imgs,
        new LatencySummary(1000, p50, p50, p50 * 2, p50 * 3, p50 * 4, p50 * 5, p50 * 6),
        target.equals("server") ? Map.of() : Map.of("UNAVAILABLE", 3L),
        true,
        "ok",
        List.of(new Window(2, imgs, p50 * 4, 0)),
        List.of(new HistogramBucket(0.5, 1, 10), new HistogramBucket(1, 2, 990)),
        target.equals("server")
            ? new RunResult.ServerSide(
                7.5, Map.of("8", 100.0), Map.of(), 0.25, Map.of(), 12.5, 1.75, imgs)
            : null);
  }

  static Report sample() {
    List<RunResult> runs =
        List.of(
            run("closed c=1 unary", "server", 1, 1234.5, 0.75),
            run("closed c=32 unary", "server", 32, 9876.5, 3.25),
            run("batching-off closed c=32 unary", "batching-off", 32, 4321.0, 7.0),
            run("echo closed c=1 (3000 B)", "echo", 1, 5555.0, 0.25));
    List<InProcessOnnx.Result> inproc =
        List.of(
            new InProcessOnnx.Result(1, 3000, new LatencySummary(10, .3, .3, .3, .3, .3, .3, .3)),
            new InProcessOnnx.Result(8, 10000, new LatencySummary(10, 3, 3, 3, 3, 3, 3, 3)));
    return new Report(
        "Test report",
        "2026-11-26T00:00:00Z",
        Map.of("machine", "2 cores"),
        runs,
        inproc,
        null,
        Findings.compute(runs, inproc, null));
  }

  @Test
  void findingsStateTheRatios() {
    Map<String, Finding> f = new java.util.HashMap<>();
    sample().findings().forEach(x -> f.put(x.name(), x));
    // the server's mean batch (7.5, from /metrics) is closest to in-process batch 8 of {1, 8}
    assertThat(f.get("serving_overhead").value()).isEqualTo(9876.5 / 10000);
    assertThat(f.get("batching_gain_unary_c32").value()).isEqualTo(9876.5 / 4321.0);
    assertThat(f.get("low_load_latency_added_unary").value())
        .isEqualTo(0.75 - 0.3, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(f.get("transport_share_p50_c1").value()).isEqualTo(0.25 / 0.75);
  }

  @Test
  void servingOverheadComparesAtTheBatchSizeTheServerRan() {
    RunResult server = run("c", "server", 4, 100, 1); // mean batch 7.5
    List<InProcessOnnx.Result> inproc =
        List.of(
            new InProcessOnnx.Result(1, 50, new LatencySummary(1, 1, 1, 1, 1, 1, 1, 1)),
            new InProcessOnnx.Result(8, 200, new LatencySummary(1, 1, 1, 1, 1, 1, 1, 1)),
            new InProcessOnnx.Result(32, 400, new LatencySummary(1, 1, 1, 1, 1, 1, 1, 1)));
    assertThat(Findings.sameBatch(server, inproc).batchSize()).isEqualTo(8);
    assertThat(Findings.sameBatch(server.withServer(null), inproc).batchSize()).isEqualTo(32);
  }

  @Test
  void jsonCsvAndHtmlAreWrittenWithTheNumbers() throws Exception {
    Report r = sample();
    JsonReport.write(r, dir.resolve("r.json"));
    CsvReport.write(r, dir.resolve("r.csv"));
    HtmlReport.write(r, dir.resolve("r.html"));

    JsonNode json = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
    assertThat(json.get("runs")).hasSize(4);
    assertThat(json.get("runs").get(1).get("imagesPerSecond").asDouble()).isEqualTo(9876.5);
    assertThat(json.get("runs").get(1).get("latency").get("p99Millis").asDouble()).isEqualTo(13.0);
    assertThat(json.get("runs").get(2).get("errors").get("UNAVAILABLE").asLong()).isEqualTo(3);
    assertThat(json.get("runs").get(0).get("server").get("meanBatchSize").asDouble())
        .isEqualTo(7.5);
    assertThat(json.get("runs").get(0).get("server").get("meanComputeMillisPerBatch").asDouble())
        .isEqualTo(12.5);
    assertThat(json.get("runs").get(0).get("server").get("meanRequestMillis").asDouble())
        .isEqualTo(1.75);
    assertThat(json.get("findings").toString()).contains("serving_overhead");

    List<String> csv = Files.readAllLines(dir.resolve("r.csv"));
    assertThat(csv).hasSize(5);
    assertThat(csv.get(0))
        .startsWith("label,scenario,")
        .contains("p99_ms")
        .endsWith("server_mean_compute_ms_per_batch,server_mean_request_ms,server_images_per_s");
    assertThat(csv.get(1)).endsWith(",12.5000,1.7500,1234.5000");
    assertThat(csv.get(2))
        .startsWith("closed c=32 unary,closed,server,unary,32,")
        .contains("9876.5000")
        .contains("13.0000");
    assertThat(csv.get(3)).contains("UNAVAILABLE=3");

    String html = Files.readString(dir.resolve("r.html"));
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("</html>")
        .contains("Latency percentiles vs offered load")
        .contains("Throughput vs concurrency")
        .contains("Latency histogram")
        .contains("9877")
        .contains("serving_overhead")
        .doesNotContain("<script")
        .doesNotContain("http://cdn")
        .doesNotContain("https://");
    assertThat(html.split("<svg ", -1)).hasSize(4);
    assertThat(html).contains("<polyline").contains("<rect x=");
  }

  @Test
  void chartsSayWhenThereIsNoData() {
    String svg = SvgChart.line("t", "x", "y", List.of());
    assertThat(svg).contains("no data");
    assertThat(SvgChart.nice(7300)).isEqualTo(10000);
    assertThat(SvgChart.nice(230)).isEqualTo(250);
  }
}
