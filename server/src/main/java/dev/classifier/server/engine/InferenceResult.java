package dev.classifier.server.engine;

/**
 * The outcome of one image: class probabilities plus how it was served.
 *
 * @param probabilities one probability per class (softmax applied where the model emits logits)
 * @param queueWaitNanos time from admission until its batch was formed
 * @param computeNanos wall time of its batch's engine run
 * @param batchSize number of images in that batch
 * @param instance the instance that ran it, "device/index"
 */
public record InferenceResult(
    float[] probabilities,
    long queueWaitNanos,
    long computeNanos,
    int batchSize,
    String instance) {}
