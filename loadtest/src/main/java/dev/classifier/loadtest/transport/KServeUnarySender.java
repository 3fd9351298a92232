package dev.classifier.loadtest.transport;

import dev.classifier.client.ClassifierClient;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Open Inference Protocol ModelInfer calls, round-robin over the clients' channels. */
public final class KServeUnarySender implements RequestSender {
  private final List<GRPCInferenceServiceGrpc.GRPCInferenceServiceStub> stubs = new ArrayList<>();
  private final List<ModelInferRequest> requests;
  private final int imagesPerRequest;
  private final String transport;
  private final Duration deadline;
  private final AtomicLong next = new AtomicLong();

  /**
   * @param requests prepared requests (see {@link KServeRequests}), sent cyclically
   * @param deadline per-call deadline, or null for none
   */
  public KServeUnarySender(
      List<ClassifierClient> clients,
      List<ModelInferRequest> requests,
      int imagesPerRequest,
      KServeRequests.Contents contents,
      Duration deadline) {
    if (clients.isEmpty() || requests.isEmpty()) {
      throw new IllegalArgumentException("need clients and requests");
    }
    for (ClassifierClient c : clients) {
      stubs.add(GRPCInferenceServiceGrpc.newStub(c.channel()));
    }
    this.requests = List.copyOf(requests);
    this.imagesPerRequest = imagesPerRequest;
    this.transport = "kserve-unary-" + contents.name().toLowerCase(java.util.Locale.ROOT);
    this.deadline = deadline;
  }

  @Override
  public void send(Consumer<String> done) {
    long n = next.getAndIncrement();
    GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub = stubs.get((int) (n % stubs.size()));
    if (deadline != null) {
      stub = stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    stub.modelInfer(
        requests.get((int) (n % requests.size())),
        new StreamObserver<>() {
          @Override
          public void onNext(ModelInferResponse value) {}

          @Override
          public void onError(Throwable t) {
            done.accept(StatusCodes.of(t));
          }

          @Override
          public void onCompleted() {
            done.accept("OK");
          }
        });
  }

  @Override
  public int imagesPerRequest() {
    return imagesPerRequest;
  }

  @Override
  public String transport() {
    return transport;
  }

  @Override
  public int requestBytes() {
    return requests.get(0).getSerializedSize();
  }

  @Override
  public void close() {}
}
