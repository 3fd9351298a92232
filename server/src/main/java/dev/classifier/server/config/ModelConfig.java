package dev.classifier.server.config;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.engine.EngineOptions;
import dev.classifier.server.model.OutputKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One model to serve.
 *
 * @param name the name requests use; null = the manifest's name, else the file's stem
 * @param path the .onnx file; null = the embedded default model (Fashion-MNIST)
 * @param labels labels file (one per line); null = the manifest's, if any
 * @param output output kind override; null = the manifest's, else detected at warm-up
 * @param batching the batcher's policy for this model
 * @param devices devices to run on ("cpu", or "gpu:N" with a GPU build)
 * @param instancesPerDevice model instances (concurrent batches) per device
 * @param engine session settings (threads, execution providers)
 */
public record ModelConfig(
    String name,
    Path path,
    Path labels,
    OutputKind output,
    BatchPolicy batching,
    List<String> devices,
    int instancesPerDevice,
    EngineOptions engine) {

  public ModelConfig {
    Objects.requireNonNull(batching, "batching");
    devices = devices == null || devices.isEmpty() ? List.of("cpu") : List.copyOf(devices);
    for (String d : devices) {
      if (!d.equals("cpu") && !d.matches("gpu:\\d+")) {
        throw new IllegalArgumentException(
            "models[].devices entries must be 'cpu' or 'gpu:N', got '" + d + "'");
      }
    }
    if (instancesPerDevice < 1) {
      throw new IllegalArgumentException(
          "models[].instancesPerDevice must be >= 1, got " + instancesPerDevice);
    }
    engine = engine == null ? EngineOptions.cpu() : engine;
    if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException(
          "models[].name must be letters, digits, '.', '_' or '-', got '" + name + "'");
    }
  }

  /** The embedded default model with the given batching policy. */
  public static ModelConfig embeddedDefault(BatchPolicy batching) {
    return new ModelConfig(null, null, null, null, batching, List.of("cpu"), 1, null);
  }

  /** Whether this is the embedded default model. */
  public boolean embedded() {
    return path == null;
  }
}
