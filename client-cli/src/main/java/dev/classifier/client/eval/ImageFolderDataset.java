package dev.classifier.client.eval;

import dev.classifier.client.ImageEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * torchvision's {@code ImageFolder} layout: {@code root/<class>/<image>}. Class folders sorted by
 * name (String order, as Python's {@code sorted}) give the class indices; images are JPEG/PNG files
 * anywhere below their class folder, sorted by path. Hidden entries are ignored.
 */
public final class ImageFolderDataset implements Dataset {
  private final Path root;
  private final List<String> classes;
  private final List<LabelledImage> images;

  private ImageFolderDataset(Path root, List<String> classes, List<LabelledImage> images) {
    this.root = root;
    this.classes = List.copyOf(classes);
    this.images = List.copyOf(images);
  }

  /**
   * Reads the layout (not the images).
   *
   * @throws IOException if {@code root} is not a folder or has no class folder with images
   */
  public static ImageFolderDataset open(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + " is not a folder (expected one sub-folder per class)");
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs =
          s.filter(Files::isDirectory)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .toList();
    }
    if (classDirs.isEmpty()) {
      throw new IOException(root + " has no class folders (expected root/<class>/<image>)");
    }
    List<String> classes = new ArrayList<>();
    List<LabelledImage> images = new ArrayList<>();
    for (int c = 0; c < classDirs.size(); c++) {
      Path dir = classDirs.get(c);
      classes.add(dir.getFileName().toString());
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f :
            s.filter(Files::isRegularFile).filter(ImageEncoder::isImageFile).sorted().toList()) {
          images.add(LabelledImage.ofFile(f, c));
        }
      }
    }
    if (images.isEmpty()) {
      throw new IOException(root + " has class folders but no .png/.jpg/.jpeg images");
    }
    return new ImageFolderDataset(root, classes, images);
  }

  @Override
  public List<String> classNames() {
    return classes;
  }

  @Override
  public int size() {
    return images.size();
  }

  @Override
  public LabelledImage get(int index) {
    return images.get(index);
  }

  @Override
  public String description() {
    return "imagefolder "
        + root
        + " ("
        + classes.size()
        + " classes, "
        + images.size()
        + " images)";
  }
}
