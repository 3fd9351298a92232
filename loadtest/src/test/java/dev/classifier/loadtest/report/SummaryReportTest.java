package dev.classifier.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryReportTest {
  @TempDir Path dir;

  @Test
  void carriesProvenanceAndTheHeadlineNumbersOnly() throws Exception {
    Report report = ReportFilesTest.sample();
    Provenance p =
        new Provenance(
            "2026-12-04T16:00:00Z",
            new Machine("Some CPU", 2, List.of(0.5, 0.25, 0.125), "Linux", "JVM 17"),
            "java -jar classifier-loadtest.jar --scenario sweep",
            "0123abc");
    Path file = dir.resolve("x.summary.json");
    SummaryReport.write(SummaryReport.of("fashion-mnist", report, p), file);

    JsonNode j = new ObjectMapper().readTree(file.toFile());
    assertThat(j.get("schema").asInt()).isEqualTo(1);
    assertThat(j.get("name").asText()).isEqualTo("fashion-mnist");
    assertThat(j.get("date").asText()).isEqualTo("2026-12-04T16:00:00Z");
    assertThat(j.get("gitCommit").asText()).isEqualTo("0123abc");
    assertThat(j.get("command").asText())
        .isEqualTo("java -jar classifier-loadtest.jar --scenario sweep");
    assertThat(j.get("machine").get("cpuModel").asText()).isEqualTo("Some CPU");
    assertThat(j.get("machine").get("cores").asInt()).isEqualTo(2);
    assertThat(j.get("machine").get("loadAverage").toString()).isEqualTo("[0.5,0.25,0.125]");
    // the sample's runs: values as built in ReportFilesTest.run (p99 = 4 x p50)
    JsonNode second = j.get("runs").get(1);
    assertThat(second.get("label").asText()).isEqualTo("closed c=32 unary");
    assertThat(second.get("imagesPerSecond").asDouble()).isEqualTo(9876.5);
    assertThat(second.get("p50Ms").asDouble()).isEqualTo(3.25);
    assertThat(second.get("p99Ms").asDouble()).isEqualTo(13.0);
    assertThat(second.get("serverMeanBatchSize").asDouble()).isEqualTo(7.5);
    assertThat(j.get("runs").get(2).get("errors").asLong()).isEqualTo(3);
    assertThat(j.get("runs").get(2).get("serverMeanBatchSize").isNull()).isTrue();
    assertThat(j.get("runs")).hasSize(report.runs().size());
    assertThat(j.get("inProcess").get(1).get("imagesPerSecond").asDouble()).isEqualTo(10000);
    assertThat(j.get("findings")).hasSize(report.findings().size());
    // no windows or histograms: that is what the full NAME.json is for
    assertThat(second.has("windows")).isFalse();
    assertThat(second.has("histogram")).isFalse();
  }
}
