package dev.classifier.client.eval;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX files: an {@code idx3-ubyte} image file (magic 0x00000803, count, rows, columns,
 * then uint8 pixels) and an {@code idx1-ubyte} label file (magic 0x00000801, count, uint8 labels),
 * optionally gzipped ({@code .gz}). Labels are class indices, so class names are "0".."max".
 */
public final class IdxDataset implements Dataset {
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  private final String source;
  private final byte[] pixels;
  private final byte[] labels;
  private final int rows;
  private final int cols;
  private final List<String> classes;

  private IdxDataset(String source, byte[] pixels, byte[] labels, int rows, int cols) {
    this.source = source;
    this.pixels = pixels;
    this.labels = labels;
    this.rows = rows;
    this.cols = cols;
    int max = 0;
    for (byte l : labels) {
      max = Math.max(max, l & 0xFF);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i <= max; i++) {
      names.add(Integer.toString(i));
    }
    this.classes = List.copyOf(names);
  }

  /**
   * Opens a folder holding one {@code *images-idx3-ubyte[.gz]} and one {@code
   * *labels-idx1-ubyte[.gz]} file (when several, the {@code t10k} test files win), or an image file
   * whose label file is found by replacing {@code images-idx3} with {@code labels-idx1}.
   */
  public static IdxDataset open(Path path) throws IOException {
    Path images;
    Path labels;
    if (Files.isDirectory(path)) {
      images = pick(path, "images-idx3-ubyte");
      labels = pick(path, "labels-idx1-ubyte");
    } else {
      images = path;
      String name = path.getFileName().toString();
      if (!name.contains("images-idx3")) {
        throw new IOException(path + " is not an IDX image file (*images-idx3-ubyte[.gz])");
      }
      labels = path.resolveSibling(name.replace("images-idx3", "labels-idx1"));
    }
    return read(images, labels);
  }

  private static Path pick(Path dir, String kind) throws IOException {
    List<Path> found;
    try (Stream<Path> s = Files.list(dir)) {
      found =
          s.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(kind) || n.endsWith(kind + ".gz");
                  })
              .sorted()
              .toList();
    }
    if (found.isEmpty()) {
      throw new IOException("no *" + kind + "[.gz] file in " + dir);
    }
    for (Path p : found) {
      if (p.getFileName().toString().startsWith("t10k")) {
        return p;
      }
    }
    if (found.size() > 1) {
      throw new IOException("several *" + kind + " files in " + dir + ": " + found);
    }
    return found.get(0);
  }

  /** Reads an image file and its label file; the counts must agree. */
  public static IdxDataset read(Path imageFile, Path labelFile) throws IOException {
    int rows;
    int cols;
    byte[] pixels;
    try (DataInputStream in = stream(imageFile)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw new IOException(
            imageFile + ": not an IDX uint8 image file (magic " + Integer.toHexString(magic) + ")");
      }
      int n = in.readInt();
      rows = in.readInt();
      cols = in.readInt();
      if (n < 0 || rows < 1 || cols < 1 || (long) n * rows * cols > Integer.MAX_VALUE - 8) {
        throw new IOException(imageFile + ": bad header " + n + "x" + rows + "x" + cols);
      }
      pixels = new byte[n * rows * cols];
      in.readFully(pixels);
    }
    byte[] labels;
    try (DataInputStream in = stream(labelFile)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new IOException(
            labelFile + ": not an IDX label file (magic " + Integer.toHexString(magic) + ")");
      }
      int n = in.readInt();
      if (n < 0 || n > 100_000_000) {
        throw new IOException(labelFile + ": bad label count " + n);
      }
      labels = new byte[n];
      in.readFully(labels);
    }
    if (labels.length * rows * cols != pixels.length) {
      throw new IOException(
          imageFile
              + " has "
              + pixels.length / (rows * cols)
              + " images but "
              + labelFile
              + " has "
              + labels.length
              + " labels");
    }
    return new IdxDataset(imageFile.toString(), pixels, labels, rows, cols);
  }

  private static DataInputStream stream(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new DataInputStream(in);
  }

  @Override
  public List<String> classNames() {
    return classes;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public LabelledImage get(int index) {
    int n = rows * cols;
    byte[] img = new byte[n];
    System.arraycopy(pixels, index * n, img, 0, n);
    return LabelledImage.ofGray(source + "#" + index, labels[index] & 0xFF, img, cols, rows);
  }

  @Override
  public String description() {
    return "idx " + source + " (" + labels.length + " images " + cols + "x" + rows + ")";
  }
}
