package dev.classifier.server;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the server first and only then exit the JVM (exit code 143 / 130).
 *
 * <p>With the JVM's default handling, every shutdown hook starts at once on the signal, ONNX
 * Runtime's among them: it releases the native environment while a batch may still be inside {@code
 * session.run}, and that run crashes the process (SIGSEGV) when it returns. Handling the signals
 * here lets {@link ClassifierServer#stop} drain, terminate and wait for running batches within the
 * grace period before any shutdown hook runs.
 */
final class StopSignals {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

  private StopSignals() {}

  /** Installs the handlers; where a signal is unavailable the JVM's default stays. */
  static void install(ClassifierServer server, Duration grace) {
    install("TERM", 143, server, grace);
    install("INT", 130, server, grace);
  }

  private static void install(String name, int exitCode, ClassifierServer server, Duration grace) {
    try {
      Signal.handle(
          new Signal(name),
          signal ->
              new Thread(
                      () -> {
                        try {
                          server.stop(grace);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                          LOG.error("stopping on SIG{} failed", name, e);
                        } finally {
                          System.exit(exitCode);
                        }
                      },
                      "classifier-stop-" + name)
                  .start());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.debug("SIG{} not available: {}", name, e.getMessage());
    }
  }
}
