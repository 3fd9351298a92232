package dev.classifier.server.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.InProcessClassifier;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.model.ServedModel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Overload: 20x the queue capacity at once, unary and streamed. The only instance is held by a
 * gate, so the queue is full for certain: the excess is answered RESOURCE_EXHAUSTED while the gate
 * is still closed (rejection never waits for service), every accepted request is served once the
 * gate opens, and afterwards the server serves a full queue's worth again.
 */
class OverloadTest {
  private static final int QUEUE = 32;
  private static final int FLOOD = 20 * QUEUE;
  private static final BatchPolicy POLICY =
      BatchPolicy.builder().maxBatchSize(8).maxQueueSize(QUEUE).build();

  private static final class Outcomes {
    final Map<Status.Code, AtomicInteger> codes = new ConcurrentHashMap<>();
    final CountDownLatch done;

    Outcomes(int n) {
      done = new CountDownLatch(n);
    }

    void add(Status.Code c) {
      codes.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
      done.countDown();
    }

    int count(Status.Code c) {
      AtomicInteger n = codes.get(c);
      return n == null ? 0 : n.get();
    }
  }

  private static StreamObserver<ClassifyResponse> unaryObserver(Outcomes o) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ClassifyResponse value) {}

      @Override
      public void onError(Throwable t) {
        o.add(Status.fromThrowable(t).getCode());
      }

      @Override
      public void onCompleted() {
        o.add(Status.Code.OK);
      }
    };
  }

  @Test
  void unaryFloodIsRejectedAtOnceAcceptedWorkIsServedAndServiceRecovers() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
    ServedModel model = TestModels.loadGated(TestModels.embedded(POLICY, 1), gate, batches);
    try (InProcessClassifier server = new InProcessClassifier(List.of(model), 64)) {
      Random random = new Random(1);
      // fill the instance first, so the rest can only queue
      Outcomes flood = new Outcomes(FLOOD);
      server
          .async()
          .classify(
              ClassifyRequest.newBuilder().addImages(Tensors.randomMnist(random)).build(),
              unaryObserver(flood));
      await().atMost(Duration.ofSeconds(10)).until(() -> !batches.isEmpty());
      for (int i = 1; i < FLOOD; i++) {
        server
            .async()
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .classify(
                ClassifyRequest.newBuilder().addImages(Tensors.randomMnist(random)).build(),
                unaryObserver(flood));
      }
      // all rejections arrive while the gate is still closed
      int accepted = 1 + QUEUE;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> flood.count(Status.Code.RESOURCE_EXHAUSTED) == FLOOD - accepted);
      assertThat(flood.count(Status.Code.OK)).isZero();
      gate.countDown();
      assertThat(flood.done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(flood.count(Status.Code.OK)).isEqualTo(accepted);
      assertThat(flood.codes.keySet()).containsOnly(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);

      // recovered: a full queue's worth at once is served in full
      Outcomes after = new Outcomes(QUEUE);
      for (int i = 0; i < QUEUE; i++) {
        server
            .async()
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .classify(
                ClassifyRequest.newBuilder().addImages(Tensors.randomMnist(random)).build(),
                unaryObserver(after));
      }
      assertThat(after.done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(after.count(Status.Code.OK)).isEqualTo(QUEUE);
      assertThat(model.batcher().queuedRequests()).isZero();
    }
  }

  @Test
  void streamFloodGetsItemErrorsForTheExcessAndEveryOtherItemServed() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
    ServedModel model = TestModels.loadGated(TestModels.embedded(POLICY, 1), gate, batches);
    int streams = 10;
    int perStream = FLOOD / streams; // 64 = the stream window: all sent at once
    try (InProcessClassifier server = new InProcessClassifier(List.of(model), perStream)) {
      Random random = new Random(2);
      Map<Status.Code, AtomicInteger> itemCodes = new ConcurrentHashMap<>();
      CountDownLatch completed = new CountDownLatch(streams);
      AtomicInteger answers = new AtomicInteger();
      List<StreamObserver<ClassifyStreamRequest>> open = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        open.add(
            server
                .async()
                .classifyStream(
                    new StreamObserver<ClassifyStreamResponse>() {
                      @Override
                      public void onNext(ClassifyStreamResponse r) {
                        answers.incrementAndGet();
                        Status.Code c =
                            r.hasError()
                                ? Status.fromCodeValue(r.getError().getCode()).getCode()
                                : Status.Code.OK;
                        itemCodes.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
                      }

                      @Override
                      public void onError(Throwable t) {
                        completed.countDown();
                      }

                      @Override
                      public void onCompleted() {
                        completed.countDown();
                      }
                    }));
      }
      open.get(0)
          .onNext(
              ClassifyStreamRequest.newBuilder()
                  .setRequestId("first")
                  .setImage(Tensors.randomMnist(random))
                  .build());
      await().atMost(Duration.ofSeconds(10)).until(() -> !batches.isEmpty());
      for (int s = 0; s < streams; s++) {
        for (int i = s == 0 ? 1 : 0; i < perStream; i++) {
          open.get(s)
              .onNext(
                  ClassifyStreamRequest.newBuilder()
                      .setRequestId(s + "-" + i)
                      .setImage(Tensors.randomMnist(random))
                      .build());
        }
        open.get(s).onCompleted();
      }
      int accepted = 1 + QUEUE;
      await().atMost(Duration.ofSeconds(10)).until(() -> answers.get() == FLOOD - accepted);
      assertThat(itemCodes.keySet()).containsOnly(Status.Code.RESOURCE_EXHAUSTED);
      gate.countDown();
      assertThat(completed.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(itemCodes.get(Status.Code.OK).get()).isEqualTo(accepted);
      assertThat(answers.get()).isEqualTo(FLOOD);
      assertThat(server.service.streamStats().streamsOpen()).isZero();
    }
  }
}
