package dev.classifier.client.eval;

import java.util.List;

/** A small evaluation shared by the report tests: 4 images of 3 classes, 2 right at top-1. */
final class SampleEvaluations {
  private SampleEvaluations() {}

  static Evaluation threeClasses(List<String> labels, EvaluationOptions options) {
    AccuracyAccumulator acc = new AccuracyAccumulator(3);
    acc.record(0, new int[] {0, 1, 2});
    acc.record(1, new int[] {2, 1, 0});
    acc.record(1, new int[] {2, 0, 1});
    acc.record(2, new int[] {2, 0, 1});
    return new Evaluation(
        "m",
        "7",
        labels,
        "imagefolder /d",
        "class names matched",
        options,
        acc.snapshot(),
        2_000_000_000L,
        List.of());
  }
}
