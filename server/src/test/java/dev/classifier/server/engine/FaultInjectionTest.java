package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Batcher;
import dev.classifier.batching.InstanceRunner;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.server.InProcessClassifier;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.model.ServedModel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Faults injected through the engine seam production uses (a per-slot {@link InstanceRunner}
 * wrapping the real {@link OnnxInstance}): an engine that throws, leaves results out, throws an
 * Error, or hangs past the watchdog. Every request is answered exactly once, faults with INTERNAL
 * and a description, and the other requests are served.
 */
class FaultInjectionTest {
  private static final float THROWS = 1001f;
  private static final float DROPS = 1002f;
  private static final float ERROR = 1003f;
  private static final float HANGS = 1004f;

  /** Injects the fault named by the first pixel of the batch's first image. */
  private static final class FaultyRunner
      implements InstanceRunner<InferenceInput, InferenceResult> {
    private final OnnxInstance inner;
    private final CountDownLatch terminated = new CountDownLatch(1);

    FaultyRunner(OnnxInstance inner) {
      this.inner = inner;
    }

    @Override
    public void run(List<BatchTask<InferenceInput, InferenceResult>> batch) throws Exception {
      java.nio.ByteBuffer data = batch.get(0).input().data();
      float first =
          data.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(data.position());
      if (first == THROWS) {
        throw new IllegalStateException("injected engine failure");
      } else if (first == ERROR) {
        throw new Error("injected error");
      } else if (first == HANGS) {
        terminated.await(); // like a native run, until terminated
        throw new IllegalStateException("run terminated");
      } else if (first != DROPS) {
        inner.run(batch);
      } // DROPS: returns without results for its batch
    }

    @Override
    public void terminate() {
      terminated.countDown();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static ServedModel faultyModel() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(1).build();
    ServedModel base = TestModels.load(TestModels.embedded(policy, 2));
    base.batcher().close(Duration.ZERO).join();
    Batcher<InferenceInput, InferenceResult> faulty =
        Batcher.<InferenceInput, InferenceResult>builder(
                base.name(),
                base.policy(),
                instance -> new FaultyRunner(base.engine().create(instance)))
            .instances(base.instances())
            .watchdog(Duration.ofMillis(200))
            .build();
    return base.withBatcher(faulty);
  }

  private static ClassifyRequest image(float firstPixel, Random random) {
    float[] pixels = Tensors.randomFloats(random, 784);
    pixels[0] = firstPixel;
    return ClassifyRequest.newBuilder()
        .addImages(Tensors.image(Tensors.float32(pixels, 1, 28, 28)))
        .build();
  }

  @Test
  void everyRequestIsAnsweredExactlyOnceWhateverTheEngineDoes() throws Exception {
    Random random = new Random(13);
    Map<Float, String> faults =
        Map.of(
            THROWS, "injected engine failure",
            DROPS, "runner did not complete task",
            ERROR, "injected error",
            HANGS, "watchdog limit of 200 ms");
    List<Float> firstPixels = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      firstPixels.add(0.5f);
    }
    for (int i = 0; i < 3; i++) {
      firstPixels.addAll(List.of(THROWS, DROPS, ERROR, HANGS));
    }
    int n = firstPixels.size();
    AtomicInteger[] answers = new AtomicInteger[n];
    Status[] statuses = new Status[n];
    CountDownLatch done = new CountDownLatch(n);
    try (InProcessClassifier server = new InProcessClassifier(List.of(faultyModel()), 16)) {
      for (int i = 0; i < n; i++) {
        final int k = i;
        answers[k] = new AtomicInteger();
        server
            .async()
            .classify(
                image(firstPixels.get(k), random),
                new StreamObserver<ClassifyResponse>() {
                  @Override
                  public void onNext(ClassifyResponse value) {
                    assertThat(value.getResultsCount()).isEqualTo(1);
                  }

                  @Override
                  public void onError(Throwable t) {
                    statuses[k] = Status.fromThrowable(t);
                    answers[k].incrementAndGet();
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    statuses[k] = Status.OK;
                    answers[k].incrementAndGet();
                    done.countDown();
                  }
                });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).as("every request answered").isTrue();
      // each fault replaced nothing but its own batch; the model still serves
      assertThat(server.blocking().classify(image(0.25f, random)).getResultsCount()).isEqualTo(1);
    }
    for (int i = 0; i < n; i++) {
      assertThat(answers[i]).as("answers to request %d", i).hasValue(1);
      String fault = faults.get(firstPixels.get(i));
      if (fault == null) {
        assertThat(statuses[i].getCode()).as("request %d", i).isEqualTo(Status.Code.OK);
      } else {
        assertThat(statuses[i].getCode()).as("request %d", i).isEqualTo(Status.Code.INTERNAL);
        assertThat(statuses[i].getDescription()).contains(fault);
      }
    }
  }
}
