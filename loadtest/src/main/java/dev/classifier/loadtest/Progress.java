package dev.classifier.loadtest;

import java.io.PrintStream;
import java.util.function.Consumer;

/** The live progress line on stderr: rewritten in place on a terminal, one line each otherwise. */
final class Progress implements Consumer<String> {
  private final PrintStream out;
  private final boolean terminal;
  private int lastLength;

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public synchronized void accept(String line) {
    if (terminal) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the current line (on a terminal). */
  synchronized void done() {
    if (terminal && lastLength > 0) {
      out.println();
      lastLength = 0;
    }
  }
}
