package dev.classifier.client.cli;

import com.google.protobuf.util.JsonFormat;
import dev.classifier.client.ClassifierClient;
import dev.classifier.proto.v1.ListModelsResponse;
import dev.classifier.proto.v1.ModelInfo;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code classifier models}: lists the served models, or describes one with {@code --model}. */
@Command(name = "models", description = "List the served models, or describe one.")
final class ModelsCommand implements Callable<Integer> {
  @Mixin ServerOptions server;

  @Option(names = "--model", description = "Describe this model in full (JSON).")
  String model;

  @Override
  public Integer call() throws Exception {
    try (ClassifierClient client = server.connect()) {
      if (model != null) {
        ModelInfo info = client.modelInfo(model);
        System.out.println(JsonFormat.printer().print(info));
        return 0;
      }
      ListModelsResponse list = client.listModels();
      for (ModelInfo m : list.getModelsList()) {
        System.out.printf(
            "%s%s v%s  input %s %s %s  %d classes  max batch %d%n",
            m.getName(),
            m.getIsDefault() ? " (default)" : "",
            m.getVersion(),
            m.getInput().getName(),
            m.getInput().getDtype(),
            m.getInput().getShapeList(),
            m.getNumClasses(),
            m.getBatching().getMaxBatchSize());
      }
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println("classifier: " + Failures.describe(server.server, e));
      return Failures.exitCode(e);
    }
  }
}
