package dev.classifier.loadtest;

import picocli.CommandLine;

/** Entry point of {@code classifier-loadtest.jar}; see {@link LoadTestCommand}. */
public final class LoadTestMain {
  private LoadTestMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new LoadTestCommand()).execute(args);
  }
}
