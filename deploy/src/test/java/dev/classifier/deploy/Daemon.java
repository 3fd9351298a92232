package dev.classifier.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A proxy or Prometheus started by a test in the foreground, stopped at close. */
final class Daemon implements AutoCloseable {
  private final Process process;
  private final Path log;

  private Daemon(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} and waits until {@code host:port} accepts connections. */
  static Daemon start(List<String> command, Path log, String host, int port) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Daemon d = new Daemon(p, log);
    try {
      Awaitility.await(command.get(0) + " listening on " + host + ":" + port)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!p.isAlive()) {
                  throw new IllegalStateException(command.get(0) + " exited: " + d.logText());
                }
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress(host, port), 500);
                  return true;
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<no log: " + e + ">";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
