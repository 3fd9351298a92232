package dev.classifier.loadtest.transport;

import dev.classifier.proto.v1.Classification;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ListModelsRequest;
import dev.classifier.proto.v1.ListModelsResponse;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.Prediction;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stand-in for the classifier that answers every {@code Classify} and {@code
 * ClassifyStream} item at once, on the event loop, with one canned prediction per image, and
 * describes the model it was given. The load tester warms its own client path against it (the same
 * stubs, senders, open loop and measurement code) so that a run measures the server, not a cold
 * generator, and the server under test sees none of that warm-up. Listens on 127.0.0.1 only.
 */
public final class ClassifierEchoServer extends ClassifierGrpc.ClassifierImplBase
    implements AutoCloseable {
  private static final Classification ANSWER =
      Classification.newBuilder()
          .addPredictions(Prediction.newBuilder().setIndex(0).setLabel("echo").setProbability(1))
          .build();

  private final ModelInfo model;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong firstNanos = new AtomicLong(Long.MAX_VALUE);
  private volatile long lastNanos = Long.MIN_VALUE;
  private Server server;

  private ClassifierEchoServer(ModelInfo model) {
    this.model = model;
  }

  /** Starts on an ephemeral loopback port, describing {@code model}. */
  public static ClassifierEchoServer start(ModelInfo model) throws IOException {
    ClassifierEchoServer echo = new ClassifierEchoServer(model);
    echo.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .addService(echo)
            .build()
            .start();
    return echo;
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Classify calls and stream items answered so far. */
  public long requests() {
    return requests.get();
  }

  /** {@code System.nanoTime()} of the first request, or Long.MAX_VALUE before any. */
  public long firstRequestNanos() {
    return firstNanos.get();
  }

  /** {@code System.nanoTime()} of the latest request, or Long.MIN_VALUE before any. */
  public long lastRequestNanos() {
    return lastNanos;
  }

  private void seen() {
    long now = System.nanoTime();
    requests.incrementAndGet();
    firstNanos.compareAndSet(Long.MAX_VALUE, now);
    lastNanos = now;
  }

  @Override
  public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> response) {
    seen();
    ClassifyResponse.Builder b =
        ClassifyResponse.newBuilder().setModel(model.getName()).setModelVersion(model.getVersion());
    for (int i = 0; i < request.getImagesCount(); i++) {
      b.addResults(ANSWER);
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public StreamObserver<ClassifyStreamRequest> classifyStream(
      StreamObserver<ClassifyStreamResponse> response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ClassifyStreamRequest r) {
        seen();
        response.onNext(
            ClassifyStreamResponse.newBuilder()
                .setRequestId(r.getRequestId())
                .setResult(ANSWER)
                .build());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        response.onCompleted();
      }
    };
  }

  @Override
  public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> response) {
    response.onNext(model);
    response.onCompleted();
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
    response.onNext(
        ListModelsResponse.newBuilder().setDefaultModel(model.getName()).addModels(model).build());
    response.onCompleted();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
  }
}
