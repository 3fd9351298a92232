package dev.classifier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged load-test jar against a real server process, for a few seconds. */
class LoadTestProcessTest {
  private static Jars.ServerProcess server;
  private static Path loadtest;

  @TempDir Path out;

  @BeforeAll
  static void start() throws Exception {
    server = new Jars.ServerProcess("--intra-op-threads", "1");
    loadtest = Jars.jar("loadtest", "classifier-loadtest");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private JsonNode run(String name, String... scenario) throws Exception {
    String[] base = {
      "--server",
      server.target(),
      "--out",
      out.toString(),
      "--name",
      name,
      "--warmup-ms",
      "500",
      "--window-ms",
      "500",
      "--min-windows",
      "2",
      "--max-windows",
      "3"
    };
    Jars.Result r =
        Jars.run(
            loadtest,
            120,
            Stream.of(base, scenario).flatMap(Arrays::stream).toArray(String[]::new));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("wrote ");
    assertThat(out.resolve(name + ".csv")).isRegularFile();
    assertThat(Files.readString(out.resolve(name + ".html"))).contains("<svg");
    return new ObjectMapper().readTree(out.resolve(name + ".json").toFile());
  }

  @Test
  void closedLoopOverUnaryAndStreamReportsThroughputAndLatency() throws Exception {
    JsonNode json =
        run("closed", "--scenario", "closed", "--concurrency", "4", "--transport", "both");
    assertThat(json.get("runs")).hasSize(2);
    assertThat(json.get("environment").get("model").asText()).contains("fashion-mnist");
    for (JsonNode run : json.get("runs")) {
      assertThat(run.get("target").asText()).isEqualTo("server");
      assertThat(run.get("requests").asLong()).isPositive();
      assertThat(run.get("imagesPerSecond").asDouble()).isPositive();
      assertThat(run.get("errors").size()).isZero();
      assertThat(run.get("latency").get("p99Millis").asDouble())
          .isGreaterThanOrEqualTo(run.get("latency").get("p50Millis").asDouble())
          .isPositive();
      assertThat(run.get("windows").size()).isBetween(2, 3);
    }
    assertThat(json.get("runs").get(1).get("transport").asText()).isEqualTo("stream");
  }

  @Test
  void openLoopPoissonRunMeasuresTheOfferedRate() throws Exception {
    JsonNode json = run("open", "--scenario", "open", "--rate", "200", "--seed", "3");
    JsonNode r = json.get("runs").get(0);
    assertThat(r.get("scenario").asText()).isEqualTo("open");
    assertThat(r.get("offeredRatePerSecond").asDouble()).isEqualTo(200);
    assertThat(r.get("errors").size()).isZero();
    // about 200 requests/s were answered (Poisson: loose bounds)
    double answered = r.get("requests").asDouble() / r.get("measuredSeconds").asDouble();
    assertThat(answered).isBetween(100.0, 300.0);
  }
}
