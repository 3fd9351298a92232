package dev.classifier.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.server.ServerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code classifier-server --config ... [flags] --print-config}: flags win, errors are one line.
 */
class CommandLineOverridesTest {
  record Run(int code, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new ServerMain()).execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void flagsOverrideTheFileAndPrintConfigShowsTheResult(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("c.yaml"),
            """
            server: {port: 1234, metricsPort: 9999, shutdownGraceSeconds: 30}
            models:
              - name: fm
                batching: {maxBatchSize: 2, maxQueueDelayMicros: 100, priorityLevels: 2}
            """);
    Run r =
        run(
            "--config",
            file.toString(),
            "--port",
            "0",
            "--max-batch-size",
            "4",
            "--metrics-port",
            "-1",
            "--no-jmx",
            "--access-log",
            "--intra-op-threads",
            "3",
            "--no-adaptive-width",
            "--print-config");
    assertThat(r.code()).as(r.err()).isZero();
    ServerConfig printed = ConfigReader.fromYaml(r.out(), dir);
    assertThat(printed.port()).isZero();
    assertThat(printed.metricsPort()).isEqualTo(-1);
    assertThat(printed.jmx()).isFalse();
    assertThat(printed.accessLog()).isTrue();
    assertThat(printed.shutdownGrace().toSeconds()).isEqualTo(30); // from the file
    ModelConfig m = printed.models().get(0);
    assertThat(m.name()).isEqualTo("fm");
    assertThat(m.batching().maxBatchSize()).isEqualTo(4); // flag wins
    assertThat(m.batching().maxQueueDelay().toNanos()).isEqualTo(100_000); // file kept
    assertThat(m.batching().priorityLevels()).isEqualTo(2);
    assertThat(m.engine().intraOpThreads()).isEqualTo(3);
    assertThat(m.engine().adaptiveWidth())
        .isFalse(); // both engine flags, neither undoing the other
  }

  @Test
  void badFileGivesOneLineNamingTheKey(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"), "models:\n  - batching:\n      maxBatchSize: 0\n");
    Run r = run("--config", file.toString(), "--print-config");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "config error: models[0].batching.maxBatchSize must be >= 1, got 0"
                + System.lineSeparator());
  }

  @Test
  void badFlagValueNamesTheFlag() {
    Run r = run("--max-batch-size", "0", "--print-config");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("config error: --max-batch-size must be >= 1, got 0");
  }

  @Test
  void warmUpAndQueuedWorkSettingsRoundTripAndFlagsOverrideThem(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(
        file,
        """
        server:
          warmup: {minRequests: 50, minMillis: 10, maxMillis: 3000, window: 5,
                   tolerancePercent: 20, concurrency: 2, retryAfterMillis: 40}
        """);
    Run r =
        run(
            "--config",
            file.toString(),
            "--warmup-max-millis",
            "700",
            "--max-queued-work-millis",
            "250",
            "--print-config");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(ConfigReader.fromYaml(r.out(), dir).models().get(0).batching().maxQueuedWork())
        .isEqualTo(java.time.Duration.ofMillis(250));
    WarmupConfig w = ConfigReader.fromYaml(r.out(), dir).warmup();
    assertThat(w.enabled()).isTrue();
    assertThat(w.minRequests()).isEqualTo(50);
    assertThat(w.minDuration().toMillis()).isEqualTo(10);
    assertThat(w.maxDuration().toMillis()).isEqualTo(700); // flag wins
    assertThat(w.window()).isEqualTo(5);
    assertThat(w.tolerancePercent()).isEqualTo(20.0);
    assertThat(w.concurrency()).isEqualTo(2);
    assertThat(w.retryAfter().toMillis()).isEqualTo(40);

    assertThat(
            ConfigReader.fromYaml(run("--no-warmup", "--print-config").out(), dir)
                .warmup()
                .enabled())
        .isFalse();
    assertThat(ConfigReader.defaults().warmup()).isEqualTo(WarmupConfig.defaults());

    Files.writeString(file, "server: {warmup: {minMillis: 500, maxMillis: 100}}\n");
    Run bad = run("--config", file.toString(), "--print-config");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("server.warmup.maxMillis must be >= minMillis (500), got 100");
  }
}
