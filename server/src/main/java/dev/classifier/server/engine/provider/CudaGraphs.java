package dev.classifier.server.engine.provider;

/**
 * Whether CUDA graphs may be used. A CUDA graph replays one captured launch sequence with fixed
 * shapes (and fixed buffer addresses); an instance that receives batches of several sizes changes
 * the input shape from run to run, so the graph is refused there (with the reason logged).
 */
public final class CudaGraphs {
  private CudaGraphs() {}

  /** The decision and, when a request was refused, why. */
  public record Decision(boolean enabled, String reason) {}

  public static Decision decide(boolean requested, boolean dynamicBatch, int maxBatch) {
    if (!requested) {
      return new Decision(false, "");
    }
    if (dynamicBatch && maxBatch > 1) {
      return new Decision(
          false,
          "CUDA graphs need fixed shapes, but this instance runs batches of 1.."
              + maxBatch
              + " (set batching.maxBatchSize: 1 to use them)");
    }
    return new Decision(true, "");
  }
}
