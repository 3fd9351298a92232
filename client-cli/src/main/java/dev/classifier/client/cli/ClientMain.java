package dev.classifier.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code classifier}: the client command line. */
@Command(
    name = "classifier",
    mixinStandardHelpOptions = true,
    version = "classifier 0.1.0",
    description = "Client for the classifier.v1 gRPC image-classification server.",
    subcommands = {ClassifyCommand.class, EvaluateCommand.class, ModelsCommand.class})
public final class ClientMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClientMain()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
