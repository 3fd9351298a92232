package dev.classifier.client.eval;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line text progress bar ({@code \r}-redrawn) for a terminal's stderr. Redraws only when the
 * shown percentage changes, so it costs nothing per image. Thread-safe.
 */
public final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 40;

  private final PrintStream out;
  private int shown = -1;

  public ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void progress(long done, long total) {
    int percent = total <= 0 ? 100 : (int) (done * 100 / total);
    if (percent == shown) {
      return;
    }
    shown = percent;
    int filled = percent * WIDTH / 100;
    out.print(
        String.format(
            Locale.ROOT,
            "\r[%s%s] %3d%% %d/%d",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            percent,
            done,
            total));
    if (done >= total) {
      out.println();
    }
    out.flush();
  }
}
