package dev.classifier.client.cli;

import dev.classifier.client.ClassifierClient;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options shared by every command that talks to a server. */
final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description = "Server address (default: ${DEFAULT-VALUE}).")
  String server = "127.0.0.1:50051";

  @Option(
      names = "--deadline-ms",
      description = "Per-call deadline in milliseconds; 0 = none (default: ${DEFAULT-VALUE}).")
  long deadlineMs = 30_000;

  @Mixin SecurityOptions security = new SecurityOptions();

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** Connects; bad security flags or unreadable files are usage errors (exit 2). */
  ClassifierClient connect() {
    try {
      return ClassifierClient.connect(
          server, Duration.ofMillis(deadlineMs), security.toConnectionSecurity());
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
