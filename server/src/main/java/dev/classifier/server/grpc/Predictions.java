package dev.classifier.server.grpc;

import dev.classifier.proto.v1.Classification;
import dev.classifier.proto.v1.Prediction;
import dev.classifier.proto.v1.Timing;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ServedModel;

/** Builds ranked top-k classifications from class probabilities. */
public final class Predictions {
  private Predictions() {}

  /** The {@code k} most probable classes, highest first; ties go to the lower class index. */
  public static int[] topK(float[] probabilities, int k) {
    int n = Math.min(k, probabilities.length);
    int[] best = new int[n];
    int size = 0;
    for (int i = 0; i < probabilities.length; i++) {
      float p = probabilities[i];
      if (size == n && !(p > probabilities[best[n - 1]])) {
        continue;
      }
      int pos = size < n ? size++ : n - 1;
      while (pos > 0 && p > probabilities[best[pos - 1]]) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = i;
    }
    return best;
  }

  /** The response entry for one image. */
  public static Classification classification(InferenceResult r, int k, ServedModel model) {
    Classification.Builder b = Classification.newBuilder();
    float[] probs = r.probabilities();
    for (int index : topK(probs, k)) {
      b.addPredictions(
          Prediction.newBuilder()
              .setIndex(index)
              .setLabel(model.label(index))
              .setProbability(probs[index]));
    }
    b.setTiming(
        Timing.newBuilder()
            .setQueueMicros(r.queueWaitNanos() / 1000)
            .setComputeMicros(r.computeNanos() / 1000)
            .setBatchSize(r.batchSize())
            .setInstance(r.instance()));
    return b.build();
  }
}
