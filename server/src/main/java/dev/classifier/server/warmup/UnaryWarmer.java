package dev.classifier.server.warmup;

import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.server.model.ServedModel;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Unary {@code Classify} calls with one synthetic image each, in UINT8 pixels where the model
 * accepts them (what clients send by default; the stream warmer sends the model's own dtype).
 */
public final class UnaryWarmer implements Warmer {
  private final ClassifierGrpc.ClassifierStub stub;
  private final Duration deadline;
  private final Map<String, ClassifyRequest> requests = new ConcurrentHashMap<>();

  public UnaryWarmer(Channel channel, Duration deadline) {
    this.stub = ClassifierGrpc.newStub(channel);
    this.deadline = deadline;
  }

  @Override
  public String name() {
    return "Classify";
  }

  @Override
  public CompletableFuture<?> send(ServedModel model) {
    ClassifyRequest request =
        requests.computeIfAbsent(
            model.name(),
            n ->
                ClassifyRequest.newBuilder()
                    .setModel(n)
                    .addImages(SyntheticInputs.zeroPixels(model))
                    .build());
    CompletableFuture<ClassifyResponse> answer = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .classify(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(ClassifyResponse value) {
                answer.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                answer.completeExceptionally(new IllegalStateException("no response"));
              }
            });
    return answer;
  }

  @Override
  public void close() {}
}
