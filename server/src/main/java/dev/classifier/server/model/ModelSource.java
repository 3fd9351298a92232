package dev.classifier.server.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a model's bytes, manifest and labels come from: a file on disk (with an optional {@code
 * <stem>.json} or {@code model.json} manifest beside it) or the embedded default model on the
 * classpath. Nothing is ever downloaded.
 *
 * @param description where it came from, for messages
 * @param onnx the model's bytes
 * @param manifest its manifest (empty if none)
 * @param labels class labels in index order (empty if none)
 * @param labelSource the labels file's name, or empty
 * @param defaultName the name to serve it under if configuration names none
 */
public record ModelSource(
    String description,
    byte[] onnx,
    ModelManifest manifest,
    List<String> labels,
    String labelSource,
    String defaultName) {

  /** Classpath folder of the embedded default model. */
  public static final String EMBEDDED_ROOT = "/models/fashion-mnist/";

  public ModelSource {
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(manifest, "manifest");
    labels = List.copyOf(labels);
  }

  /** The embedded Fashion-MNIST model. */
  public static ModelSource embedded() {
    try {
      byte[] onnx = resource(EMBEDDED_ROOT + "model.onnx");
      ModelManifest manifest;
      try (InputStream in = ModelSource.class.getResourceAsStream(EMBEDDED_ROOT + "model.json")) {
        manifest = ModelManifest.read(in, "embedded model.json");
      }
      String labelsFile = manifest.labels() == null ? "labels.txt" : manifest.labels();
      List<String> labels =
          parseLabels(new String(resource(EMBEDDED_ROOT + labelsFile), StandardCharsets.UTF_8));
      return new ModelSource(
          "embedded:" + EMBEDDED_ROOT + "model.onnx",
          onnx,
          manifest,
          labels,
          labelsFile,
          manifest.name() == null ? "fashion-mnist" : manifest.name());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded default model is missing from the classpath", e);
    }
  }

  /**
   * A model file, its manifest ({@code <stem>.json}, else {@code model.json} in the same folder, if
   * present) and labels ({@code labelsOverride}, else the manifest's labels file, if any).
   */
  public static ModelSource file(Path onnxFile, Path labelsOverride) throws IOException {
    if (!Files.exists(onnxFile)) {
      throw new java.nio.file.NoSuchFileException(
          onnxFile.toString(), null, "model file not found");
    }
    if (!Files.isRegularFile(onnxFile)) {
      throw new IOException("model path is not a regular file: " + onnxFile);
    }
    byte[] onnx = Files.readAllBytes(onnxFile);
    String fileName = onnxFile.getFileName().toString();
    String stem =
        fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
    Path dir = onnxFile.toAbsolutePath().getParent();
    ModelManifest manifest = ModelManifest.empty();
    for (Path candidate : List.of(dir.resolve(stem + ".json"), dir.resolve("model.json"))) {
      if (Files.isRegularFile(candidate)) {
        try (InputStream in = Files.newInputStream(candidate)) {
          manifest = ModelManifest.read(in, candidate.toString());
        }
        break;
      }
    }
    Path labelsFile = labelsOverride;
    if (labelsFile == null && manifest.labels() != null) {
      labelsFile = dir.resolve(manifest.labels());
    }
    List<String> labels = List.of();
    if (labelsFile != null) {
      if (!Files.isRegularFile(labelsFile)) {
        throw new IOException("labels file not found: " + labelsFile);
      }
      labels = parseLabels(Files.readString(labelsFile, StandardCharsets.UTF_8));
    }
    String name = manifest.name() != null ? manifest.name() : stem;
    return new ModelSource(
        onnxFile.toString(),
        onnx,
        manifest,
        labels,
        labelsFile == null ? "" : labelsFile.getFileName().toString(),
        name);
  }

  /** One label per line; trailing blank lines ignored, inner blank lines kept as empty labels. */
  static List<String> parseLabels(String text) {
    List<String> lines = text.lines().map(String::strip).toList();
    int end = lines.size();
    while (end > 0 && lines.get(end - 1).isEmpty()) {
      end--;
    }
    return lines.subList(0, end);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ModelSource.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource not found: " + name);
      }
      return in.readAllBytes();
    }
  }
}
