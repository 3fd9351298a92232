package dev.classifier.server.config;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.engine.EngineOptions;
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
 * @param preprocessing preprocessing spec override (published to clients); null = the manifest's,
 *     else derived from the input shape
 */
public record ModelConfig(
    String name,
    Path path,
    Path labels,
    OutputKind output,
    BatchPolicy batching,
    List<String> devices,
    int instancesPerDevice,
    EngineOptions engine,
    PreprocessSpec preprocessing) {

  public ModelConfig {
    Objects.requireNonNull(batching, "batching");
    devices = devices == null || devices.isEmpty() ? List.of("cpu") : List.copyOf(devices);
    for (String d : devices) {
      if (!d.equals("cpu") && !d.matches("gpu:\\d+")) {
        throw new IllegalArgumentException(
            "models[].devices entries must be 'cpu' or 'gpu:N', got '" + d + "'");
      }
    }
    if (new java.util.HashSet<>(devices).size() != devices.size()) {
      throw new IllegalArgumentException(
          "models[].devices lists a device twice "
              + devices
              + ": list each device once and set models[].instancesPerDevice for more concurrent"
              + " batches on it");
    }
    if (instancesPerDevice < 1) {
      throw new IllegalArgumentException(
          "models[].instancesPerDevice must be >= 1, got " + instancesPerDevice);
    }
    engine = engine == null ? EngineOptions.cpu() : engine;
    String required = engine.providerOptions().requireProvider();
    if (required != null && !required.equals("cpu") && devices.contains("cpu")) {
      throw new IllegalArgumentException(
          "models[].engine.requireProvider is "
              + required
              + " but models[].devices lists cpu, which runs on the CPU provider only");
    }
    if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException(
          "models[].name must be letters, digits, '.', '_' or '-', got '" + name + "'");
    }
  }

  /** A model whose preprocessing comes from its manifest or its input shape. */
  public ModelConfig(
      String name,
      Path path,
      Path labels,
      OutputKind output,
      BatchPolicy batching,
      List<String> devices,
      int instancesPerDevice,
      EngineOptions engine) {
    this(name, path, labels, output, batching, devices, instancesPerDevice, engine, null);
  }

  /** The embedded default model with the given batching policy. */
  public static ModelConfig embeddedDefault(BatchPolicy batching) {
    return new ModelConfig(null, null, null, null, batching, List.of("cpu"), 1, null);
  }

  public ModelConfig withBatching(BatchPolicy policy) {
    return new ModelConfig(
        name, path, labels, output, policy, devices, instancesPerDevice, engine, preprocessing);
  }

  public ModelConfig withInstancesPerDevice(int instances) {
    return new ModelConfig(
        name, path, labels, output, batching, devices, instances, engine, preprocessing);
  }

  public ModelConfig withEngine(EngineOptions options) {
    return new ModelConfig(
        name, path, labels, output, batching, devices, instancesPerDevice, options, preprocessing);
  }

  public ModelConfig withName(String newName) {
    return new ModelConfig(
        newName,
        path,
        labels,
        output,
        batching,
        devices,
        instancesPerDevice,
        engine,
        preprocessing);
  }

  public ModelConfig withLabels(Path newLabels) {
    return new ModelConfig(
        name,
        path,
        newLabels,
        output,
        batching,
        devices,
        instancesPerDevice,
        engine,
        preprocessing);
  }

  public ModelConfig withPath(Path newPath) {
    return new ModelConfig(
        name,
        newPath,
        labels,
        output,
        batching,
        devices,
        instancesPerDevice,
        engine,
        preprocessing);
  }

  /** Whether this is the embedded default model. */
  public boolean embedded() {
    return path == null;
  }
}
