package dev.classifier.client.eval;

/**
 * Accuracy figures of one evaluation.
 *
 * @param evaluated images answered by the model
 * @param top1Correct images whose top-1 prediction is the true class
 * @param top5Correct images whose true class is among the top 5 predictions
 * @param errors images that could not be classified (not in {@code evaluated})
 * @param confusion {@code confusion[true][predicted]} top-1 counts
 * @param top5PerClass top-5 hits per true class
 */
public record AccuracyResult(
    long evaluated,
    long top1Correct,
    long top5Correct,
    long errors,
    long[][] confusion,
    long[] top5PerClass) {

  public int classes() {
    return confusion.length;
  }

  /** Top-1 accuracy in [0, 1] (0 when nothing was evaluated). */
  public double top1() {
    return evaluated == 0 ? 0 : (double) top1Correct / evaluated;
  }

  public double top5() {
    return evaluated == 0 ? 0 : (double) top5Correct / evaluated;
  }

  /** Images of true class {@code c}. */
  public long support(int c) {
    long n = 0;
    for (long v : confusion[c]) {
      n += v;
    }
    return n;
  }

  /** Top-1 accuracy of class {@code c}, NaN when it has no images. */
  public double classTop1(int c) {
    long n = support(c);
    return n == 0 ? Double.NaN : (double) confusion[c][c] / n;
  }
}
