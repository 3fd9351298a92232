package dev.classifier.server.model;

import dev.classifier.batching.Instance;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The batch sizes a model instance runs at load, before the model can turn SERVING. On a GPU
 * provider every size the instance can receive (1 .. its max) runs once: CUDA's cuDNN algorithm
 * search and TensorRT's execution contexts are set up per input shape, and the first request of an
 * untried size would otherwise pay for it. On the CPU only the shapes that grow the memory arena
 * matter: 1, the preferred sizes and the max. The TensorRT optimization profile's min/opt/max are
 * always among them (they lie in 1 .. max).
 */
public final class BatchSizeWarmup {
  private BatchSizeWarmup() {}

  /** One warm-up batch: which instance, how many images, how long it took. */
  public record Run(Instance instance, int batchSize, long nanos) {}

  /** The sizes to run, ascending, each once. */
  public static int[] sizes(int maxBatch, List<Integer> preferred, boolean gpu) {
    if (gpu) {
      return IntStream.rangeClosed(1, maxBatch).toArray();
    }
    TreeSet<Integer> sizes = new TreeSet<>(preferred);
    sizes.add(1);
    sizes.add(maxBatch);
    return sizes.stream().mapToInt(Integer::intValue).filter(n -> n <= maxBatch).toArray();
  }
}
