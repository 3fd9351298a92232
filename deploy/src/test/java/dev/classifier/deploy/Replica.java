package dev.classifier.deploy;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One server process (the packaged jar) on a loopback address. */
final class Replica implements AutoCloseable {
  static final String MODEL = "fashion-mnist";

  final String host;
  final int port;
  final int metricsPort;
  private final Path config;
  private final Path log;
  private Process process;

  Replica(String host, int port, int metricsPort, Path config, Path log) {
    this.host = host;
    this.port = port;
    this.metricsPort = metricsPort;
    this.config = config;
    this.log = log;
  }

  String address() {
    return host + ":" + port;
  }

  /** Starts the process (returns at once; {@link #awaitReady()} waits for warm-up). */
  Replica start() throws IOException {
    process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:TieredStopAtLevel=1",
                    "-jar",
                    Repo.jar("server", "classifier-server").toString(),
                    "--config",
                    config.toString(),
                    "--host",
                    host,
                    "--port",
                    Integer.toString(port),
                    "--metrics-port",
                    Integer.toString(metricsPort),
                    // three replicas on one machine: no admin listener (its port is fixed), and
                    // a short serving-path warm-up (2 cores shared by three JVMs)
                    "--admin-port",
                    "-1",
                    "--warmup-max-millis",
                    "2000"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return this;
  }

  /** Waits until grpc.health.v1 says "ready" is SERVING. */
  Replica awaitReady() {
    ManagedChannel ch = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ch);
      await("replica " + address() + " ready (log " + log + ")")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .failFast("replica " + address() + " exited (log " + log + ")", () -> !process.isAlive())
          .ignoreExceptions()
          .until(
              () ->
                  health
                          .withDeadlineAfter(2, TimeUnit.SECONDS)
                          .check(HealthCheckRequest.newBuilder().setService("ready").build())
                          .getStatus()
                      == ServingStatus.SERVING);
    } finally {
      ch.shutdownNow();
    }
    return this;
  }

  /** SIGTERM (drain), then waits for the exit. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("replica " + address() + " did not exit within 30 s of SIGTERM");
    }
    return process.exitValue();
  }

  /**
   * Whether the process ended because one of its ports was taken (the server says so and exits).
   */
  boolean couldNotBind() {
    try {
      String text = Files.readString(log);
      return !alive()
          && (text.contains("cannot start: cannot listen on")
              || text.contains("cannot start: cannot serve metrics on"));
    } catch (IOException e) {
      return false;
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** Requests this process has received (classifier_requests_total of the model). */
  double requests() throws IOException, InterruptedException {
    String prefix = "classifier_requests_total{model=\"" + MODEL + "\"}";
    for (String line : scrape().split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
