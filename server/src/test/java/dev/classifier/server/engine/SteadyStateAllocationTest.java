package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Instance;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.model.ServedModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In the steady state an instance allocates no input or output buffer per batch: the input and
 * pinned output tensors of each batch size are created once ({@link OnnxInstance#tensorsCreated()}
 * counts them), and the Java heap allocated by a batch of 8 images (measured with {@link
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) stays below a bound that one batch's
 * input (8 x 3136 bytes) or the old score copies could not fit in.
 */
class SteadyStateAllocationTest {
  private static final int BATCH = 8;
  private static final int RUNS = 200;

  /**
   * Per batch: each image's result (a float[10] of 56 bytes, an InferenceResult, the test's own
   * task) plus ONNX Runtime's per-run bookkeeping (name and handle arrays, the Result object), a
   * few hundred bytes. One batch's FLOAT32 input is 25,088 bytes.
   */
  private static final long BOUND_PER_BATCH = 4_096;

  private static ServedModel model;

  @BeforeAll
  static void load() throws Exception {
    model = TestModels.load(TestModels.embedded(BatchPolicy.builder().maxBatchSize(8).build(), 1));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static List<BatchTask<InferenceInput, InferenceResult>> batch(List<float[]> images) {
    List<BatchTask<InferenceInput, InferenceResult>> tasks = new ArrayList<>();
    for (float[] image : images) {
      tasks.add(new DirectTask(image));
    }
    return tasks;
  }

  @Test
  void batchesReuseTheirTensorsAndAllocateOnlyTheirResults() throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Random random = new Random(3);
    List<float[]> images = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      images.add(Tensors.randomFloats(random, 784));
    }
    try (OnnxInstance instance = model.engine().create(new Instance("cpu", 0, BATCH))) {
      // warm: every batch size once (each creates its input and output tensor), and the JIT
      for (int n = 1; n <= BATCH; n++) {
        instance.run(batch(images.subList(0, n)));
      }
      assertThat(instance.tensorsCreated()).isEqualTo(2 * BATCH);
      List<List<BatchTask<InferenceInput, InferenceResult>>> prepared = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        prepared.add(batch(images));
      }
      for (int i = 0; i < RUNS; i++) {
        instance.run(batch(images));
      }
      long thread = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(thread);
      for (List<BatchTask<InferenceInput, InferenceResult>> b : prepared) {
        instance.run(b);
      }
      long perBatch = (threads.getThreadAllocatedBytes(thread) - before) / RUNS;
      assertThat(instance.tensorsCreated()).isEqualTo(2 * BATCH);
      assertThat(perBatch).as("bytes allocated per batch of %d", BATCH).isLessThan(BOUND_PER_BATCH);
      for (BatchTask<InferenceInput, InferenceResult> t : prepared.get(RUNS - 1)) {
        assertThat(((DirectTask) t).result.probabilities()).hasSize(10);
      }
      System.out.println("steady-state bytes allocated per batch of " + BATCH + ": " + perBatch);
    }
  }
}
