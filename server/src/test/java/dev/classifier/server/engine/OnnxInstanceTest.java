package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Batcher;
import dev.classifier.batching.Instance;
import dev.classifier.batching.SubmitOptions;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-slot instance state and the finite-value guarantees, on the real embedded model. */
class OnnxInstanceTest {
  private static final int PIXELS = 784;
  private static ServedModel model;

  @BeforeAll
  static void load() throws Exception {
    model = TestModels.load(TestModels.embedded(BatchPolicy.builder().maxBatchSize(8).build(), 1));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static List<BatchTask<InferenceInput, InferenceResult>> batch(DirectTask... tasks) {
    return List.of(tasks);
  }

  /** Probabilities of one image run alone (batch of one) on an instance of its own. */
  private static float[] alone(OnnxInstance instance, float[] image) throws Exception {
    DirectTask t = new DirectTask(image);
    instance.run(batch(t));
    assertThat(t.error).isNull();
    return t.result.probabilities();
  }

  @Test
  void twoSlotsOnEqualInstancesNeverShareTheirBuffers() throws Exception {
    Instance same = new Instance("cpu", 0, 8);
    Random random = new Random(11);
    int images = 1200;
    List<float[]> inputs = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      inputs.add(Tensors.randomFloats(random, PIXELS));
    }
    List<float[]> expected = new ArrayList<>();
    try (OnnxInstance reference = model.engine().create(same)) {
      for (float[] image : inputs) {
        expected.add(alone(reference, image));
      }
    }

    Batcher<InferenceInput, InferenceResult> batcher =
        Batcher.<InferenceInput, InferenceResult>builder(
                "shared-check",
                BatchPolicy.builder().maxBatchSize(8).maxQueueSize(images).build(),
                model.engine())
            .instances(List.of(same, same)) // equal values: state must still be per slot
            .build();
    Thread[] producers = new Thread[3];
    List<List<CompletableFuture<InferenceResult>>> perThread = new ArrayList<>();
    for (int p = 0; p < producers.length; p++) {
      List<CompletableFuture<InferenceResult>> mine = new ArrayList<>();
      perThread.add(mine);
      final int first = p;
      producers[p] =
          new Thread(
              () -> {
                for (int i = first; i < images; i += producers.length) {
                  mine.add(
                      batcher.submit(
                          InferenceInput.of(Tensors.floatBytes(inputs.get(i)), ElementType.FLOAT32),
                          SubmitOptions.defaults()));
                }
              });
      producers[p].start();
    }
    for (Thread t : producers) {
      t.join();
    }
    int[] wrong = new int[1];
    List<String> instancesUsed = new ArrayList<>();
    for (int p = 0; p < producers.length; p++) {
      List<CompletableFuture<InferenceResult>> mine = perThread.get(p);
      for (int k = 0; k < mine.size(); k++) {
        int i = p + k * producers.length;
        InferenceResult r = mine.get(k).get(30, TimeUnit.SECONDS);
        instancesUsed.add(r.instance());
        float[] want = expected.get(i);
        for (int c = 0; c < want.length; c++) {
          if (Math.abs(r.probabilities()[c] - want[c]) > 1e-5f) {
            wrong[0]++;
            break;
          }
        }
      }
    }
    batcher.close(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    assertThat(wrong[0]).as("results differing from a single-instance run").isZero();
    assertThat(instancesUsed).hasSize(images);
  }

  @Test
  void aBatchOfDryRunsSkipsTheModelAndABatchWithAClientInputRunsItForAll() throws Exception {
    Random random = new Random(29);
    float[] x = Tensors.randomFloats(random, PIXELS);
    float[] y = Tensors.randomFloats(random, PIXELS);
    float[] z = Tensors.randomFloats(random, PIXELS);
    OnnxEngine engine = model.engine();
    try (OnnxInstance instance = engine.create(new Instance("cpu", 0, 8))) {
      float[] expectY = alone(instance, y);
      float[] expectZ = alone(instance, z);
      float[] expectX = alone(instance, x); // the output buffer now holds x's scores in row 0
      assertThat(expectX).isNotEqualTo(expectY);
      long images = engine.imagesRun();
      long batches = engine.batchesRun();

      DirectTask dryY = new DirectTask(y, true);
      instance.run(batch(dryY));
      // answered once, from the last run's row (x), not from y: the model did not run
      assertThat(dryY.outcomes).isEqualTo(1);
      assertThat(dryY.error).isNull();
      assertThat(dryY.result.probabilities()).containsExactly(expectX, within(0f));
      assertThat(engine.imagesRun()).isEqualTo(images);
      assertThat(engine.batchesRun()).isEqualTo(batches);

      DirectTask mixedDry = new DirectTask(y, true);
      DirectTask client = new DirectTask(z);
      instance.run(batch(mixedDry, client));
      // one client input in the batch: the model runs for both, each gets its own scores
      assertThat(engine.imagesRun()).isEqualTo(images + 2);
      assertThat(engine.batchesRun()).isEqualTo(batches + 1);
      assertThat(client.outcomes).isEqualTo(1);
      assertThat(mixedDry.outcomes).isEqualTo(1);
      assertThat(client.result.probabilities()).containsExactly(expectZ, within(1e-6f));
      assertThat(mixedDry.result.probabilities()).containsExactly(expectY, within(1e-6f));
    }
  }

  @Test
  void nonFiniteInputFailsThatImageOnlyInTheCopyPass() throws Exception {
    float[] good = Tensors.randomFloats(new Random(1), PIXELS);
    float[] nan = good.clone();
    nan[400] = Float.NaN;
    float[] inf = good.clone();
    inf[0] = Float.NEGATIVE_INFINITY;
    try (OnnxInstance instance = model.engine().create(new Instance("cpu", 0, 8))) {
      float[] expected = alone(instance, good);
      DirectTask a = new DirectTask(nan);
      DirectTask b = new DirectTask(good);
      DirectTask c = new DirectTask(inf);
      instance.run(batch(a, b, c));
      assertThat(a.error)
          .isInstanceOf(NonFiniteInputException.class)
          .hasMessageContaining("1 non-finite");
      assertThat(c.error).isInstanceOf(NonFiniteInputException.class);
      assertThat(b.error).isNull();
      assertThat(b.result.batchSize()).isEqualTo(1); // only the finite image reached the model
      assertThat(b.result.probabilities()).containsExactly(expected, within(1e-6f));
      assertThat(List.of(a.outcomes, b.outcomes, c.outcomes)).containsOnly(1);
    }
  }

  @Test
  void nonFiniteScoresFailThatImageOnly() throws Exception {
    float[] good = Tensors.randomFloats(new Random(2), PIXELS);
    float[] huge = new float[PIXELS];
    Arrays.fill(huge, 3e38f); // finite input, overflowing scores
    try (OnnxInstance instance = model.engine().create(new Instance("cpu", 0, 8))) {
      float[] expected = alone(instance, good);
      DirectTask a = new DirectTask(huge);
      DirectTask b = new DirectTask(good);
      instance.run(batch(a, b));
      assertThat(a.error).hasMessageContaining("non-finite score");
      assertThat(b.error).isNull();
      assertThat(b.result.probabilities()).containsExactly(expected, within(1e-6f));
    }
  }

  @Test
  void withTheCheckOffNaNInputStillNeverYieldsANaNProbability() throws Exception {
    OnnxEngine lenient =
        new OnnxEngine(
            model.engine().env,
            model.engine().sessions,
            model.engine().signature(),
            model.engine().appliesSoftmax(),
            false);
    float[] nan = new float[PIXELS];
    Arrays.fill(nan, Float.NaN);
    try (OnnxInstance instance = lenient.create(new Instance("cpu", 0, 8))) {
      DirectTask a = new DirectTask(nan);
      instance.run(batch(a));
      assertThat(a.result).isNull();
      assertThat(a.error).hasMessageContaining("non-finite score");
    }
  }

  @Test
  void eachSessionClosesExactlyOnceAfterItsLastLease() throws Exception {
    ServedModel own =
        TestModels.load(TestModels.embedded(BatchPolicy.builder().maxBatchSize(4).build(), 2));
    SessionPool pool = own.engine().sessions;
    OnnxInstance extra = own.engine().create(new Instance("cpu", 9, 4));
    own.close(); // batcher's instances closed, the model's hold dropped; `extra` still leases
    assertThat(pool.closeCount("cpu")).isZero();
    extra.close();
    extra.close();
    assertThat(pool.closeCount("cpu")).isEqualTo(1);
    own.engine().close();
    assertThat(pool.closeCount("cpu")).isEqualTo(1);
  }
}
