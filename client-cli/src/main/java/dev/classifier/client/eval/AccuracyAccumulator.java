package dev.classifier.client.eval;

/**
 * Counts Top-1/Top-5 hits, per-class accuracy and the confusion matrix (true class x top-1
 * prediction) over the model's classes. Thread-safe; {@link #snapshot} gives an immutable copy.
 */
public final class AccuracyAccumulator {
  /** Top-k for the second figure. */
  public static final int TOP_K = 5;

  private final int classes;
  private final long[][] confusion;
  private final long[] top5PerClass;
  private long total;
  private long top1;
  private long top5;
  private long errors;

  public AccuracyAccumulator(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be >= 1, got " + classes);
    }
    this.classes = classes;
    this.confusion = new long[classes][classes];
    this.top5PerClass = new long[classes];
  }

  /**
   * Records one answer.
   *
   * @param truth the true model class
   * @param ranked predicted class indices, best first (at least one)
   */
  public synchronized void record(int truth, int[] ranked) {
    if (truth < 0 || truth >= classes) {
      throw new IllegalArgumentException("true class " + truth + " outside 0.." + (classes - 1));
    }
    if (ranked.length == 0 || ranked[0] < 0 || ranked[0] >= classes) {
      throw new IllegalArgumentException("no valid top-1 prediction");
    }
    total++;
    confusion[truth][ranked[0]]++;
    if (ranked[0] == truth) {
      top1++;
    }
    for (int i = 0; i < Math.min(TOP_K, ranked.length); i++) {
      if (ranked[i] == truth) {
        top5++;
        top5PerClass[truth]++;
        break;
      }
    }
  }

  /** Records an image that could not be classified (unreadable, or an error answer). */
  public synchronized void recordError() {
    errors++;
  }

  public synchronized AccuracyResult snapshot() {
    long[][] copy = new long[classes][];
    for (int i = 0; i < classes; i++) {
      copy[i] = confusion[i].clone();
    }
    return new AccuracyResult(total, top1, top5, errors, copy, top5PerClass.clone());
  }
}
