package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Ticker;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.core.ImageDecoding;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stream item's own {@code timeout_micros} and the server's default timeout for calls without a
 * deadline. The only instance is held by a gate, so queued work can only end by its deadline.
 */
class TimeoutTest {
  private static final BatchPolicy POLICY =
      BatchPolicy.builder().maxBatchSize(1).maxQueueSize(64).build();

  private static final class Harness implements AutoCloseable {
    final CountDownLatch gate = new CountDownLatch(1);
    final List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
    final ServedModel model;
    final ClassifierService service;
    final Server server;
    final ManagedChannel channel;

    Harness(Duration defaultTimeout) throws Exception {
      model = TestModels.loadGated(TestModels.embedded(POLICY, 1), gate, batches);
      service =
          new ClassifierService(
              new InferenceCore(
                  new ModelRegistry(List.of(model), null),
                  ImageDecoding.withDefaultPool(),
                  Ticker.system(),
                  defaultTimeout),
              16);
      String name = InProcessServerBuilder.generateName();
      server =
          InProcessServerBuilder.forName(name)
              .directExecutor()
              .addService(LenientRequests.wrap(service.bindService()))
              .build()
              .start();
      channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @Override
    public void close() throws Exception {
      gate.countDown();
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      service.close();
      model.close();
    }
  }

  private static ClassifyStreamRequest.Builder item(String id) {
    return ClassifyStreamRequest.newBuilder()
        .setRequestId(id)
        .setImage(Tensors.randomMnist(new Random(id.hashCode())));
  }

  @Test
  void aStreamItemsOwnTimeoutExpiresItAloneAndTheStreamGoesOn() throws Exception {
    try (Harness h = new Harness(Duration.ZERO)) {
      Map<String, ClassifyStreamResponse> answers = new ConcurrentHashMap<>();
      CountDownLatch completed = new CountDownLatch(1);
      StreamObserver<ClassifyStreamRequest> requests =
          ClassifierGrpc.newStub(h.channel)
              .classifyStream(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ClassifyStreamResponse r) {
                      answers.put(r.getRequestId(), r);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                      completed.countDown();
                    }
                  });
      requests.onNext(item("held").build()); // occupies the only instance until the gate opens
      await().atMost(Duration.ofSeconds(10)).until(() -> !h.batches.isEmpty());
      requests.onNext(item("short").setTimeoutMicros(20_000).build());
      requests.onNext(item("patient").build());
      requests.onNext(item("zero").setTimeoutMicros(0).build());
      await().atMost(Duration.ofSeconds(10)).until(() -> answers.containsKey("short"));
      assertThat(answers.get("short").getError().getCode())
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
      assertThat(answers.get("zero").getError().getCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(answers.get("zero").getError().getMessage()).contains("timeout_micros");
      assertThat(answers).doesNotContainKeys("held", "patient");
      h.gate.countDown();
      requests.onCompleted();
      assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(answers.get("held").hasResult()).isTrue();
      assertThat(answers.get("patient").hasResult()).isTrue();
    }
  }

  @Test
  void callsWithoutADeadlineGetTheServerDefault() throws Exception {
    try (Harness h = new Harness(Duration.ofMillis(50))) {
      ClassifierGrpc.ClassifierStub async = ClassifierGrpc.newStub(h.channel);
      async.classify(
          ClassifyRequest.newBuilder().addImages(Tensors.randomMnist(new Random(1))).build(),
          new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(dev.classifier.proto.v1.ClassifyResponse v) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
          });
      await().atMost(Duration.ofSeconds(10)).until(() -> !h.batches.isEmpty());
      // no client deadline: the server's 50 ms default ends it while it waits behind the gate
      StatusRuntimeException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  ClassifierGrpc.newBlockingStub(h.channel)
                      .classify(
                          ClassifyRequest.newBuilder()
                              .addImages(Tensors.randomMnist(new Random(2)))
                              .build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }
  }
}
