package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
  @TempDir Path dir;

  static void writeIdx(Path images, Path labels, byte[][] pixels, int rows, int cols, byte[] lab)
      throws IOException {
    try (DataOutputStream out = new DataOutputStream(open(images))) {
      out.writeInt(0x803);
      out.writeInt(pixels.length);
      out.writeInt(rows);
      out.writeInt(cols);
      for (byte[] p : pixels) {
        out.write(p);
      }
    }
    try (DataOutputStream out = new DataOutputStream(open(labels))) {
      out.writeInt(0x801);
      out.writeInt(lab.length);
      out.write(lab);
    }
  }

  private static OutputStream open(Path p) throws IOException {
    OutputStream o = Files.newOutputStream(p);
    return p.toString().endsWith(".gz") ? new GZIPOutputStream(o) : o;
  }

  @Test
  void readsPlainAndGzippedFilesPreferringTheTestSet() throws Exception {
    byte[][] px = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}};
    writeIdx(
        dir.resolve("t10k-images-idx3-ubyte.gz"),
        dir.resolve("t10k-labels-idx1-ubyte.gz"),
        px,
        2,
        3,
        new byte[] {3, 0});
    writeIdx(
        dir.resolve("train-images-idx3-ubyte"),
        dir.resolve("train-labels-idx1-ubyte"),
        new byte[][] {px[0]},
        2,
        3,
        new byte[] {1});
    IdxDataset d = IdxDataset.open(dir);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.classNames()).containsExactly("0", "1", "2", "3");
    LabelledImage second = d.get(1);
    assertThat(second.datasetClass()).isZero();
    assertThat(second.width()).isEqualTo(3);
    assertThat(second.height()).isEqualTo(2);
    assertThat(second.gray()).containsExactly(7, 8, 9, 10, 11, 12);
    assertThat(d.get(0).datasetClass()).isEqualTo(3);

    IdxDataset train = IdxDataset.open(dir.resolve("train-images-idx3-ubyte"));
    assertThat(train.size()).isEqualTo(1);
    assertThat(train.limit(5)).isSameAs(train);
    assertThat(d.limit(1).size()).isEqualTo(1);
  }

  @Test
  void rejectsMismatchedCountsAndBadMagic() throws Exception {
    writeIdx(
        dir.resolve("a-images-idx3-ubyte"),
        dir.resolve("a-labels-idx1-ubyte"),
        new byte[][] {{1}, {2}},
        1,
        1,
        new byte[] {0});
    assertThatThrownBy(() -> IdxDataset.open(dir.resolve("a-images-idx3-ubyte")))
        .hasMessageContaining("has 2 images but")
        .hasMessageContaining("has 1 labels");
    Files.write(dir.resolve("b-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
    assertThatThrownBy(() -> IdxDataset.open(dir.resolve("b-images-idx3-ubyte")))
        .hasMessageContaining("not an IDX uint8 image file");
  }

  @Test
  void readsTheCommittedFashionMnistSubset() throws Exception {
    Path subset =
        Path.of("..", "server", "src", "test", "resources", "fixtures", "fashion-mnist-test-1000");
    IdxDataset d = IdxDataset.open(subset);
    assertThat(d.size()).isEqualTo(1000);
    assertThat(d.classNames()).hasSize(10);
    assertThat(d.get(0).datasetClass()).isEqualTo(9); // the test set starts with an ankle boot
  }
}
