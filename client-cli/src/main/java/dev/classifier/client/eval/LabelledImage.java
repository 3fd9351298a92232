package dev.classifier.client.eval;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One image of a data set with its class (an index into {@link Dataset#classNames()}).
 *
 * @param id a name for messages: a file path or {@code <file>#<index>}
 * @param datasetClass index into the data set's class names
 * @param file the encoded image file, or null for raw pixels
 * @param gray raw 8-bit gray pixels (row-major {@code width x height}), or null for a file
 * @param width width of {@code gray}
 * @param height height of {@code gray}
 */
public record LabelledImage(
    String id, int datasetClass, Path file, byte[] gray, int width, int height) {
  public LabelledImage {
    Objects.requireNonNull(id, "id");
    if ((file == null) == (gray == null)) {
      throw new IllegalArgumentException("exactly one of file and gray pixels must be set: " + id);
    }
    if (gray != null && (width < 1 || height < 1 || gray.length != width * height)) {
      throw new IllegalArgumentException(
          id + ": " + gray.length + " pixels do not make a " + width + "x" + height + " image");
    }
  }

  static LabelledImage ofFile(Path file, int datasetClass) {
    return new LabelledImage(file.toString(), datasetClass, file, null, 0, 0);
  }

  static LabelledImage ofGray(String id, int datasetClass, byte[] gray, int width, int height) {
    return new LabelledImage(id, datasetClass, null, gray, width, height);
  }
}
