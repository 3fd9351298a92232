package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
  @TempDir Path dir;

  @Test
  void classFoldersSortedByNameGiveIndicesAndImagesAreSorted() throws Exception {
    for (String f :
        new String[] {"b/2.png", "b/1.jpg", "a/x/3.jpeg", "a/notes.txt", "c/.hidden.png"}) {
      Path p = dir.resolve(f);
      Files.createDirectories(p.getParent());
      Files.write(p, new byte[] {1});
    }
    Files.createDirectories(dir.resolve(".git"));
    ImageFolderDataset d = ImageFolderDataset.open(dir);
    assertThat(d.classNames()).containsExactly("a", "b", "c");
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.get(0).file()).isEqualTo(dir.resolve("a/x/3.jpeg"));
    assertThat(d.get(0).datasetClass()).isZero();
    assertThat(d.get(1).file()).isEqualTo(dir.resolve("b/1.jpg"));
    assertThat(d.get(2).datasetClass()).isEqualTo(1);
  }

  @Test
  void emptyLayoutsAreClearErrors() throws Exception {
    assertThatThrownBy(() -> ImageFolderDataset.open(dir)).hasMessageContaining("no class folders");
    Files.createDirectories(dir.resolve("a"));
    assertThatThrownBy(() -> ImageFolderDataset.open(dir))
        .hasMessageContaining("no .png/.jpg/.jpeg");
    assertThatThrownBy(() -> ImageFolderDataset.open(dir.resolve("missing")))
        .hasMessageContaining("is not a folder");
  }
}
