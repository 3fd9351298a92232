package dev.classifier.loadtest.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.classifier.server.model.ModelSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InProcessSweepTest {
  @TempDir Path dir;

  @Test
  void measuresEveryCombinationAndReportsTheBestOfThem() throws Exception {
    Path model = dir.resolve("model.onnx");
    Files.write(model, ModelSource.embedded().onnx());
    Path out = dir.resolve("sweep.json");
    InProcessSweep sweep = new InProcessSweep();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    sweep.console(new PrintStream(console, true, StandardCharsets.UTF_8));

    int code =
        new CommandLine(sweep)
            .execute(
                "--model-file", model.toString(),
                "--threads", "1,2",
                "--batch-sizes", "1,2",
                "--spinning", "server,onnxruntime",
                "--warmup-seconds", "0.05",
                "--seconds", "0.1",
                "--out", out.toString());

    assertThat(code).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    JsonNode points = json.get("points");
    // threads 1: one session (a lone thread never spins, so both modes are the same); threads 2:
    // two sessions, ONNX Runtime's default (spinning, not stopped after a run) and the server's
    // rule (spinning stopped after each run, or no spinning on 1 processor), which always differ
    int configs = 1 + 2;
    // x 2 batch sizes, then per batch size two one-thread sessions side by side (the default)
    assertThat(points).hasSize(configs * 2 + 2);
    double max = 0;
    double minSingle = Double.MAX_VALUE;
    int sideBySide = 0;
    for (JsonNode p : points) {
      max = Math.max(max, p.get("imagesPerSecond").asDouble());
      if (p.get("sessions").asInt() == 2) {
        sideBySide++;
        assertThat(p.get("threads").asInt()).isEqualTo(1);
        assertThat(p.get("imagesPerSecond").asDouble()).isPositive();
        continue; // two sessions at once: their p50 is not a lone image's
      }
      assertThat(p.get("sessions").asInt()).isEqualTo(1);
      if (p.get("batchSize").asInt() == 1) {
        minSingle = Math.min(minSingle, p.get("batchP50Millis").asDouble());
      }
      if (p.get("threads").asInt() == 2 && p.get("spinning").asText().equals("onnxruntime")) {
        assertThat(p.get("spinningOn").asBoolean()).isTrue();
      }
      if (p.get("threads").asInt() == 1) {
        assertThat(p.get("spinningOn").asBoolean()).as("a lone thread never spins").isFalse();
      }
    }
    assertThat(sideBySide).isEqualTo(2);
    assertThat(json.get("best").get("imagesPerSecond").asDouble()).isEqualTo(max);
    assertThat(json.get("fastestSingleImage").get("batchP50Millis").asDouble())
        .isEqualTo(minSingle);
    assertThat(json.get("fastestSingleImage").get("batchSize").asInt()).isEqualTo(1);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("best in-process:");
  }

  @Test
  void refusesAnUnknownSpinningMode() throws Exception {
    Path model = dir.resolve("model.onnx");
    Files.write(model, ModelSource.embedded().onnx());
    CommandLine cli = new CommandLine(new InProcessSweep());
    cli.setErr(
        new java.io.PrintWriter(
            new java.io.OutputStreamWriter(new ByteArrayOutputStream(), StandardCharsets.UTF_8),
            true));
    int code =
        cli.execute(
            "--model-file", model.toString(), "--spinning", "sometimes", "--seconds", "0.1");
    assertThat(code).isNotZero();
  }
}
