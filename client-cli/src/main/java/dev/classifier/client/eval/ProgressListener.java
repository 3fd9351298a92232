package dev.classifier.client.eval;

/** Told how far an evaluation has come; called from several threads. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> {};

  /** {@code done} of {@code total} images have been answered (or failed). */
  void progress(long done, long total);
}
