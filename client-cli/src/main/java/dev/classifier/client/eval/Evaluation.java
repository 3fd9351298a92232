package dev.classifier.client.eval;

import java.util.List;

/**
 * The outcome of one evaluation run.
 *
 * @param model served model name
 * @param modelVersion served model version
 * @param labels the model's labels in class order (may be empty)
 * @param dataset data set description
 * @param labelMatching how data set classes were matched to model classes
 * @param options how the images were sent
 * @param accuracy the figures
 * @param elapsedNanos wall time from the first image read to the last answer (client preprocessing
 *     included)
 * @param errorSamples the first few per-image error messages
 */
public record Evaluation(
    String model,
    String modelVersion,
    List<String> labels,
    String dataset,
    String labelMatching,
    EvaluationOptions options,
    AccuracyResult accuracy,
    long elapsedNanos,
    List<String> errorSamples) {

  public Evaluation {
    labels = List.copyOf(labels);
    errorSamples = List.copyOf(errorSamples);
  }

  /** Images (answered or failed) per second of wall time. */
  public double imagesPerSecond() {
    long n = accuracy.evaluated() + accuracy.errors();
    return elapsedNanos <= 0 ? 0 : n * 1e9 / elapsedNanos;
  }

  /** The label of model class {@code c}, or {@code #c}. */
  public String label(int c) {
    return c < labels.size() && !labels.get(c).isEmpty() ? labels.get(c) : "#" + c;
  }
}
