package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Instance;
import dev.classifier.batching.SubmitOptions;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adaptive CPU width on the real embedded model in real ONNX Runtime: which configurations
 * adapt, that a narrow run answers exactly as a wide one, and that a run the watchdog terminates
 * while it waits for the cores fails alone.
 */
class AdaptiveWidthTest {
  private static final int PIXELS = 784;
  private static final BatchPolicy POLICY =
      BatchPolicy.builder().maxBatchSize(8).maxQueueSize(1000).build();
  private static ServedModel adaptive;
  private static ServedModel fixed;
  private static final ExecutorService THREADS = Executors.newCachedThreadPool();

  private static ModelConfig embedded(EngineOptions engine, int instances) {
    return TestModels.embedded(POLICY, instances).withEngine(engine);
  }

  private static EngineOptions twoThreads(Duration minRun) {
    return new EngineOptions(2, List.of("cpu")).withAdaptiveWidthMinRun(minRun);
  }

  @BeforeAll
  static void load() throws Exception {
    // two threads named explicitly: adapts on any machine, however many processors it has; the
    // embedded model's full batch takes well under the default 5 ms, so the threshold is 0 here
    adaptive = TestModels.load(embedded(twoThreads(Duration.ZERO), 1));
    fixed = TestModels.load(embedded(TestModels.cpu(), 1));
  }

  @AfterAll
  static void close() {
    adaptive.close();
    fixed.close();
    THREADS.shutdownNow();
  }

  @Test
  void twoThreadsAndOneInstanceOnTheCpuBecomeTwoInstancesSharingAnArbiter() {
    assertThat(adaptive.instances())
        .containsExactly(new Instance("cpu", 0, 8), new Instance("cpu", 1, 8));
    assertThat(adaptive.engine().arbiters()).containsOnlyKeys("cpu");
    assertThat(fixed.instances()).hasSize(1);
    assertThat(fixed.engine().arbiters()).isEmpty();
  }

  @Test
  void anExplicitInstanceCountAdaptiveWidthOffOrAShortRunKeepOneSharedSession() throws Exception {
    try (ServedModel three = TestModels.load(embedded(twoThreads(Duration.ZERO), 3));
        ServedModel off =
            TestModels.load(embedded(twoThreads(Duration.ZERO).withAdaptiveWidth(false), 1));
        ServedModel shortRun = TestModels.load(embedded(twoThreads(Duration.ofHours(1)), 1))) {
      assertThat(three.instances()).hasSize(3);
      assertThat(three.engine().arbiters()).isEmpty();
      assertThat(off.instances()).hasSize(1);
      assertThat(off.engine().arbiters()).isEmpty();
      // a full batch shorter than adaptiveWidthMinRun: bound by gRPC, one instance stays
      assertThat(shortRun.instances()).containsExactly(new Instance("cpu", 0, 8));
      assertThat(shortRun.engine().arbiters()).isEmpty();
    }
  }

  /** Probabilities of one image on {@code instance}, run on the calling thread. */
  private static float[] runOn(OnnxInstance instance, float[] image) throws Exception {
    DirectTask t = new DirectTask(image);
    instance.run(List.<BatchTask<InferenceInput, InferenceResult>>of(t));
    assertThat(t.error).isNull();
    return t.result.probabilities();
  }

  private static void awaitWaiting(WidthArbiter arbiter) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (arbiter.waiting() != 1) {
      assertThat(System.nanoTime()).as("the run waits for the cores").isLessThan(deadline);
      LockSupport.parkNanos(50_000); // polls another thread's progress; no timing asserted
    }
  }

  @Test
  void aNarrowRunAnswersAsTheWideRunAndTheOneThreadModelDo() throws Exception {
    float[] image = Tensors.randomFloats(new Random(5), PIXELS);
    float[] reference;
    try (OnnxInstance one = fixed.engine().create(new Instance("cpu", 0, 8))) {
      reference = runOn(one, image);
    }
    WidthArbiter arbiter = adaptive.engine().arbiters().get("cpu");
    try (OnnxInstance instance = adaptive.engine().create(new Instance("cpu", 1, 8))) {
      long wide0 = arbiter.wideRuns();
      long narrow0 = arbiter.narrowRuns();
      float[] wide = runOn(instance, image); // alone: wide
      assertThat(arbiter.wideRuns()).isEqualTo(wide0 + 1);

      // hold the device as a wide run would: the instance's run waits, then runs narrow
      WidthArbiter.Width held = arbiter.acquire(() -> false);
      assertThat(held).isEqualTo(WidthArbiter.Width.WIDE);
      Future<float[]> narrow = THREADS.submit(() -> runOn(instance, image));
      awaitWaiting(arbiter);
      arbiter.release(held);
      float[] narrowScores = narrow.get(30, TimeUnit.SECONDS);
      assertThat(arbiter.narrowRuns()).isEqualTo(narrow0 + 1);

      for (int c = 0; c < reference.length; c++) {
        assertThat(wide[c]).isCloseTo(reference[c], within(1e-5f));
        assertThat(narrowScores[c]).isCloseTo(reference[c], within(1e-5f));
      }
    }
  }

  @Test
  void aRunTerminatedWhileWaitingForTheCoresFailsAloneAndTakesNoWidth() throws Exception {
    WidthArbiter arbiter = adaptive.engine().arbiters().get("cpu");
    try (OnnxInstance instance = adaptive.engine().create(new Instance("cpu", 0, 8))) {
      WidthArbiter.Width held = arbiter.acquire(() -> false);
      DirectTask task = new DirectTask(Tensors.randomFloats(new Random(6), PIXELS));
      Future<?> run =
          THREADS.submit(
              () -> {
                instance.run(List.<BatchTask<InferenceInput, InferenceResult>>of(task));
                return null;
              });
      awaitWaiting(arbiter);
      instance.terminate();
      assertThat(run)
          .failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .withMessageContaining("terminated while it waited for the device's cores");
      assertThat(task.outcomes).as("the batcher answers the task, not the instance").isZero();
      arbiter.release(held);
    }
    // the device is free again: a lone run on another instance is wide
    try (OnnxInstance other = adaptive.engine().create(new Instance("cpu", 1, 8))) {
      long wide0 = arbiter.wideRuns();
      runOn(other, Tensors.randomFloats(new Random(7), PIXELS));
      assertThat(arbiter.wideRuns()).isEqualTo(wide0 + 1);
    }
  }

  @Test
  void underConcurrentLoadEveryRequestIsAnsweredOnceAndCorrectlyOnBothWidths() throws Exception {
    Random random = new Random(13);
    int images = 600;
    List<float[]> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    try (OnnxInstance one = fixed.engine().create(new Instance("cpu", 0, 8))) {
      for (int i = 0; i < images; i++) {
        float[] image = Tensors.randomFloats(random, PIXELS);
        inputs.add(image);
        expected.add(runOn(one, image));
      }
    }
    WidthArbiter arbiter = adaptive.engine().arbiters().get("cpu");
    long runs0 = arbiter.wideRuns() + arbiter.narrowRuns();
    long batches0 = adaptive.engine().batchesRun();
    int producers = 4;
    List<List<CompletableFuture<InferenceResult>>> perProducer = new ArrayList<>();
    List<Future<?>> submitting = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      List<CompletableFuture<InferenceResult>> mine = new ArrayList<>();
      perProducer.add(mine);
      int from = p;
      submitting.add(
          THREADS.submit(
              () -> {
                for (int i = from; i < images; i += producers) {
                  mine.add(
                      adaptive
                          .batcher()
                          .submit(
                              InferenceInput.of(
                                  Tensors.floatBytes(inputs.get(i)), ElementType.FLOAT32),
                              SubmitOptions.defaults()));
                }
              }));
    }
    for (Future<?> f : submitting) {
      f.get(30, TimeUnit.SECONDS);
    }
    for (int p = 0; p < producers; p++) {
      List<CompletableFuture<InferenceResult>> mine = perProducer.get(p);
      for (int k = 0; k < mine.size(); k++) {
        float[] got = mine.get(k).get(30, TimeUnit.SECONDS).probabilities();
        float[] want = expected.get(p + k * producers);
        for (int c = 0; c < want.length; c++) {
          assertThat(got[c]).isCloseTo(want[c], within(1e-5f));
        }
      }
    }
    long batches = adaptive.engine().batchesRun() - batches0;
    assertThat(arbiter.wideRuns() + arbiter.narrowRuns() - runs0)
        .as("every batch took exactly one width")
        .isEqualTo(batches);
  }
}
