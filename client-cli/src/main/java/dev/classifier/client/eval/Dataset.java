package dev.classifier.client.eval;

import java.util.List;

/** A labelled image data set with random access, in a fixed order. */
public interface Dataset {
  /** Class names in class-index order (for IDX: "0", "1", ...). */
  List<String> classNames();

  /** Number of images. */
  int size();

  /** Image {@code index} (0-based). */
  LabelledImage get(int index);

  /** Where the data set came from, for reports. */
  String description();

  /** The first {@code n} images (all when {@code n <= 0} or {@code n >= size()}). */
  default Dataset limit(int n) {
    if (n <= 0 || n >= size()) {
      return this;
    }
    Dataset base = this;
    return new Dataset() {
      @Override
      public List<String> classNames() {
        return base.classNames();
      }

      @Override
      public int size() {
        return n;
      }

      @Override
      public LabelledImage get(int index) {
        if (index >= n) {
          throw new IndexOutOfBoundsException(index);
        }
        return base.get(index);
      }

      @Override
      public String description() {
        return base.description() + " (first " + n + ")";
      }
    };
  }
}
