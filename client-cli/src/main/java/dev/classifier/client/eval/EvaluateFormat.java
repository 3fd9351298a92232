package dev.classifier.client.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Data set layouts the evaluator reads. */
public enum EvaluateFormat {
  /** torchvision ImageFolder: one sub-folder per class. */
  IMAGEFOLDER,
  /** MNIST-style IDX image and label files. */
  IDX;

  /** Parses {@code imagefolder} or {@code idx} (any case). */
  public static EvaluateFormat parse(String value) {
    for (EvaluateFormat f : values()) {
      if (f.name().equalsIgnoreCase(value)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "--format must be 'imagefolder' or 'idx', got '" + value + "'");
  }

  /** IDX when {@code path} is an IDX image file or a folder holding one, else IMAGEFOLDER. */
  public static EvaluateFormat detect(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return IDX;
    }
    if (!Files.isDirectory(path)) {
      throw new IOException(path + " does not exist");
    }
    try (Stream<Path> s = Files.list(path)) {
      return s.anyMatch(p -> p.getFileName().toString().contains("images-idx3-ubyte"))
          ? IDX
          : IMAGEFOLDER;
    }
  }
}
