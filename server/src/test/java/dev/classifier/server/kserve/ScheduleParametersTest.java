package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Ticker;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.InferParameter;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferRequest.InferInputTensor;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.server.TestModels;
import dev.classifier.server.core.ImageDecoding;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule_policy parameters reach the batcher (in-process gRPC, a model whose batches wait on
 * a latch): {@code priority} picks the queue level, {@code timeout} fails a request still queued
 * when it passes with DEADLINE_EXCEEDED.
 */
class ScheduleParametersTest {
  private final CountDownLatch gate = new CountDownLatch(1);
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  private ServedModel model;
  private ModelRegistry registry;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(1)
            .maxQueueDelay(Duration.ZERO)
            .priorityLevels(2)
            .maxQueueSize(3)
            .build();
    model = TestModels.loadGated(TestModels.embedded(policy, 1), gate, batchSizes);
    registry = new ModelRegistry(List.of(model), null);
    InferenceCore core =
        new InferenceCore(
            registry, ImageDecoding.withDefaultPool(), Ticker.system(), Duration.ZERO);
    InferenceService service =
        new InferenceService(
            core,
            InferenceService.Readiness.of(() -> true, () -> true),
            new InferenceStatistics(System::currentTimeMillis),
            8);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    gate.countDown();
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    registry.close();
  }

  private static ModelInferRequest request(String id, String parameter, long value) {
    ModelInferRequest.Builder b =
        ModelInferRequest.newBuilder()
            .setModelName("fashion-mnist")
            .setId(id)
            .addInputs(
                InferInputTensor.newBuilder()
                    .setName("input")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(1)
                    .addShape(28)
                    .addShape(28))
            .addRawInputContents(ByteString.copyFrom(new byte[784 * 4]));
    if (parameter != null) {
      b.putParameters(parameter, InferParameter.newBuilder().setInt64Param(value).build());
    }
    return b.build();
  }

  /** Sends asynchronously; the future completes with the response or the failure's status. */
  private CompletableFuture<Object> send(ModelInferRequest r) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    GRPCInferenceServiceGrpc.newStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .modelInfer(
            r,
            new StreamObserver<>() {
              @Override
              public void onNext(ModelInferResponse v) {
                result.complete(v);
              }

              @Override
              public void onError(Throwable t) {
                result.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {}
            });
    return result;
  }

  @Test
  void priorityParameterSelectsTheQueueLevel() throws Exception {
    CompletableFuture<Object> running = send(request("running", null, 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> batchSizes.size() == 1);
    CompletableFuture<Object> low = send(request("low", "priority", 2));
    CompletableFuture<Object> high = send(request("high", "priority", 1));
    CompletableFuture<Object> dflt = send(request("default", "priority", 0));
    assertThat(model.batcher().queuedRequests(0)).as("priority 1 and default").isEqualTo(2);
    assertThat(model.batcher().queuedRequests(1)).as("priority 2").isEqualTo(1);
    gate.countDown();
    for (CompletableFuture<Object> f : List.of(running, low, high, dflt)) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isInstanceOf(ModelInferResponse.class);
    }
  }

  @Test
  void aFullQueueIsResourceExhaustedWithARetryHintNeverUnavailable() throws Exception {
    CompletableFuture<Object> running = send(request("running", null, 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> batchSizes.size() == 1);
    List<CompletableFuture<Object>> queued =
        List.of(
            send(request("q1", null, 0)),
            send(request("q2", null, 0)),
            send(request("q3", null, 0)));
    assertThat(model.batcher().queuedRequests()).isEqualTo(3);
    try {
      GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .modelInfer(request("over", null, 0));
      throw new AssertionError("a full queue must reject");
    } catch (io.grpc.StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      // no batch has returned yet (the first is held at the gate), so there is no run-time
      // estimate and the hint is the policy's max queue delay: 0 ms here
      assertThat(e.getTrailers().get(dev.classifier.server.grpc.Statuses.RETRY_AFTER_MS))
          .isEqualTo("0");
    }
    gate.countDown();
    assertThat(running.get(30, TimeUnit.SECONDS)).isInstanceOf(ModelInferResponse.class);
    for (CompletableFuture<Object> f : queued) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isInstanceOf(ModelInferResponse.class);
    }
  }

  @Test
  void timeoutParameterExpiresAQueuedRequest() throws Exception {
    CompletableFuture<Object> running = send(request("running", null, 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> batchSizes.size() == 1);
    CompletableFuture<Object> timed = send(request("timed", "timeout", 20_000)); // 20 ms
    Object outcome = timed.get(30, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(Status.class);
    assertThat(((Status) outcome).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(((Status) outcome).getDescription()).contains("queued");
    gate.countDown();
    assertThat(running.get(30, TimeUnit.SECONDS)).isInstanceOf(ModelInferResponse.class);
  }
}
