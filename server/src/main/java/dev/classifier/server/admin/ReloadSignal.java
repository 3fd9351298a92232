package dev.classifier.server.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** SIGHUP reloads every file-based model (through {@link ModelReloader#reloadAllFiles()}). */
public final class ReloadSignal {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

  private ReloadSignal() {}

  /** Installs the handler; returns false where the platform has no SIGHUP. */
  public static boolean install(ModelReloader reloader) {
    try {
      Signal.handle(
          new Signal("HUP"),
          signal -> {
            var unused =
                reloader
                    .reloadAllFiles()
                    .whenComplete(
                        (results, failure) -> {
                          if (failure != null) {
                            LOG.warn("SIGHUP reload failed: {}", failure.getMessage());
                          } else {
                            LOG.info("SIGHUP reloaded {} model(s)", results.size());
                          }
                        });
          });
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.debug("SIGHUP not available: {}", e.getMessage());
      return false;
    }
  }
}
