package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.StreamingClassifier;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.InProcessClassifier;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.model.ServedModel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** ClassifyStream: flow control, per-item errors, exactly-once answers, cancellation. */
class StreamingTest {
  private static final BatchPolicy POLICY =
      BatchPolicy.builder().maxBatchSize(8).maxQueueSize(4096).build();

  private static List<ImageInput> distinctImages(int n) {
    Random random = new Random(11);
    List<ImageInput> images = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      images.add(Tensors.randomMnist(random));
    }
    return images;
  }

  @Test
  void tenThousandMixedItemsAreEachAnsweredOnceWithTheirOwnResult() throws Exception {
    try (InProcessClassifier server =
        new InProcessClassifier(List.of(TestModels.load(TestModels.embedded(POLICY, 1))), 64)) {
      List<ImageInput> images = distinctImages(16);
      float[] expectedTop = new float[images.size()];
      int[] expectedClass = new int[images.size()];
      for (int i = 0; i < images.size(); i++) {
        var r =
            server
                .blocking()
                .classify(ClassifyRequest.newBuilder().addImages(images.get(i)).build());
        expectedTop[i] = r.getResults(0).getPredictions(0).getProbability();
        expectedClass[i] = r.getResults(0).getPredictions(0).getIndex();
      }
      Map<String, ClassifyStreamResponse> answers = new ConcurrentHashMap<>();
      AtomicInteger duplicates = new AtomicInteger();
      AtomicBoolean completed = new AtomicBoolean();
      StreamingClassifier stream =
          StreamingClassifierAccess.open(
              server.channel,
              32,
              new StreamingClassifier.Listener() {
                @Override
                public void onResponse(ClassifyStreamResponse r) {
                  if (answers.putIfAbsent(r.getRequestId(), r) != null) {
                    duplicates.incrementAndGet();
                  }
                }

                @Override
                public void onCompleted() {
                  completed.set(true);
                }
              });
      int total = 10_000;
      for (int i = 0; i < total; i++) {
        ClassifyStreamRequest.Builder item =
            ClassifyStreamRequest.newBuilder().setRequestId("id-" + i);
        if (i % 10 == 3) {
          item.setImage(Tensors.image(Tensors.float32(new float[5], 5))); // bad shape
        } else if (i % 10 == 7) {
          item.setImage(images.get(i % 16)).setModel("no-such-model");
        } else {
          item.setImage(images.get(i % 16));
        }
        stream.send(item.build());
      }
      stream.halfClose();
      assertThat(stream.awaitCompletion(Duration.ofSeconds(60))).isTrue();
      assertThat(stream.failure()).isNull();
      assertThat(completed).isTrue();
      assertThat(duplicates).hasValue(0);
      assertThat(answers).hasSize(total);
      for (int i = 0; i < total; i++) {
        ClassifyStreamResponse r = answers.get("id-" + i);
        if (i % 10 == 3) {
          assertThat(r.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
          assertThat(r.getError().getMessage()).contains("image.tensor.shape");
        } else if (i % 10 == 7) {
          assertThat(r.getError().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        } else {
          assertThat(r.hasResult()).as("item %d", i).isTrue();
          assertThat(r.getResult().getPredictions(0).getIndex()).isEqualTo(expectedClass[i % 16]);
          assertThat(r.getResult().getPredictions(0).getProbability())
              .isCloseTo(expectedTop[i % 16], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
      assertThat(server.service.streamStats().peakOutstanding()).isLessThanOrEqualTo(64);
    }
  }

  @Test
  void aSlowReaderKeepsTheServersBufferedItemsWithinTheWindow() throws Exception {
    int window = 8;
    try (InProcessClassifier server =
        new InProcessClassifier(List.of(TestModels.load(TestModels.embedded(POLICY, 1))), window)) {
      ImageInput image = distinctImages(1).get(0);
      int total = 300;
      AtomicInteger received = new AtomicInteger();
      AtomicInteger sent = new AtomicInteger();
      AtomicInteger timesBlocked = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1);
      List<ClientCallStreamObserver<ClassifyStreamRequest>> holder = new ArrayList<>();
      ClientResponseObserver<ClassifyStreamRequest, ClassifyStreamResponse> observer =
          new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ClassifyStreamRequest> requests) {
              holder.add(requests);
              requests.disableAutoRequestWithInitial(0);
              // The sender pushes as fast as the transport lets it.
              requests.setOnReadyHandler(
                  () -> {
                    while (requests.isReady() && sent.get() < total) {
                      int i = sent.getAndIncrement();
                      requests.onNext(
                          ClassifyStreamRequest.newBuilder()
                              .setRequestId("r" + i)
                              .setImage(image)
                              .build());
                    }
                    if (sent.get() < total) {
                      timesBlocked.incrementAndGet();
                    } else if (sent.get() == total) {
                      sent.incrementAndGet();
                      requests.onCompleted();
                    }
                  });
            }

            @Override
            public void onNext(ClassifyStreamResponse r) {
              assertThat(r.hasResult()).isTrue();
              received.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
              done.countDown();
            }

            @Override
            public void onCompleted() {
              done.countDown();
            }
          };
      ClassifierGrpc.newStub(server.channel).classifyStream(observer);
      ClientCallStreamObserver<ClassifyStreamRequest> requests = holder.get(0);
      // Read nothing for a while: the server may hold at most `window` items.
      await().atMost(Duration.ofSeconds(10)).until(() -> timesBlocked.get() > 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.registry.resolve("").engine().imagesRun() >= window);
      assertThat(sent.get()).isLessThanOrEqualTo(window + 1);
      assertThat(received).hasValue(0);
      // Now read one response at a time.
      for (int i = 0; i < total; i++) {
        requests.request(1);
        int expected = i + 1;
        await()
            .pollInterval(Duration.ofMillis(1))
            .atMost(Duration.ofSeconds(10))
            .until(() -> received.get() >= expected);
        assertThat(server.service.streamStats().peakOutstanding()).isLessThanOrEqualTo(window);
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(received).hasValue(total);
      assertThat(server.service.streamStats().peakOutstanding()).isLessThanOrEqualTo(window);
      assertThat(server.service.streamStats().itemsAnswered()).isEqualTo(total);
    }
  }

  @Test
  void cancellingAStreamDropsItsQueuedItemsWithoutComputingThem() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
    ServedModel model = TestModels.loadGated(TestModels.embedded(POLICY, 1), gate, batchSizes);
    try (InProcessClassifier server = new InProcessClassifier(List.of(model), 64)) {
      ImageInput image = distinctImages(1).get(0);
      AtomicInteger otherAnswers = new AtomicInteger();
      StreamingClassifier doomed = StreamingClassifierAccess.open(server.channel, 64, r -> {});
      for (int i = 0; i < 50; i++) {
        doomed.send(
            ClassifyStreamRequest.newBuilder().setRequestId("d" + i).setImage(image).build());
      }
      // The first batch is held by the gate on the only instance; the rest wait in the queue.
      await().atMost(Duration.ofSeconds(10)).until(() -> !batchSizes.isEmpty());
      int running = batchSizes.get(0);
      int queued = 50 - running;
      assertThat(running).isBetween(1, 8);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> model.batcher().queuedRequests() == queued);
      doomed.cancel("test cancels mid-stream");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.service.streamStats().itemsCancelled() == 50);
      assertThat(model.batcher().queuedRequests()).isZero();

      StreamingClassifier other =
          StreamingClassifierAccess.open(server.channel, 16, r -> otherAnswers.incrementAndGet());
      for (int i = 0; i < 10; i++) {
        other.send(
            ClassifyStreamRequest.newBuilder().setRequestId("o" + i).setImage(image).build());
      }
      gate.countDown();
      other.halfClose();
      assertThat(other.awaitCompletion(Duration.ofSeconds(30))).isTrue();
      assertThat(otherAnswers).hasValue(10);
      // Only the batch that was already running when the stream was cancelled cost compute.
      assertThat(model.engine().imagesRun()).isEqualTo(running + 10);
    }
  }
}
