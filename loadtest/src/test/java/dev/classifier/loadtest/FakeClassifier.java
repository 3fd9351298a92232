package dev.classifier.loadtest;

import dev.classifier.proto.v1.BatchingInfo;
import dev.classifier.proto.v1.Classification;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.TensorSpec;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback classifier that answers on one worker thread (like a one-instance server), so a stall
 * queues everything behind it. Request number {@code stallAt} (counting from 1) stalls for {@code
 * stallMillis}: its worker waits for a release that a timer fires that much later. This end-to-end
 * check runs on real time by nature (real gRPC, real windows); the schedule logic itself is tested
 * on fake time in {@code OpenLoopTest}.
 */
final class FakeClassifier extends ClassifierGrpc.ClassifierImplBase implements AutoCloseable {
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong seen = new AtomicLong();
  private final long stallAt;
  private final long stallMillis;
  private final Server server;

  FakeClassifier(long stallAt, long stallMillis) throws Exception {
    this.stallAt = stallAt;
    this.stallMillis = stallMillis;
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(this)
            .build()
            .start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> response) {
    response.onNext(
        ModelInfo.newBuilder()
            .setName("fake")
            .setInput(
                TensorSpec.newBuilder()
                    .setName("x")
                    .setDtype(DataType.UINT8)
                    .addShape(-1)
                    .addShape(1)
                    .addShape(4)
                    .addShape(4))
            .setNumClasses(2)
            .setBatching(BatchingInfo.newBuilder().setMaxBatchSize(4).setInstances(1))
            .build());
    response.onCompleted();
  }

  @Override
  public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> response) {
    long n = seen.incrementAndGet();
    worker.execute(
        () -> {
          if (n == stallAt) {
            stall();
          }
          ClassifyResponse.Builder b = ClassifyResponse.newBuilder();
          for (int i = 0; i < request.getImagesCount(); i++) {
            b.addResults(Classification.getDefaultInstance());
          }
          response.onNext(b.build());
          response.onCompleted();
        });
  }

  @Override
  public StreamObserver<ClassifyStreamRequest> classifyStream(
      StreamObserver<ClassifyStreamResponse> response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ClassifyStreamRequest r) {
        long n = seen.incrementAndGet();
        worker.execute(
            () -> {
              if (n == stallAt) {
                stall();
              }
              response.onNext(
                  ClassifyStreamResponse.newBuilder()
                      .setRequestId(r.getRequestId())
                      .setResult(Classification.getDefaultInstance())
                      .build());
            });
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        worker.execute(response::onCompleted);
      }
    };
  }

  /** Blocks the one worker until a timer releases it {@code stallMillis} from now. */
  private void stall() {
    CountDownLatch release = new CountDownLatch(1);
    timer.schedule(release::countDown, stallMillis, TimeUnit.MILLISECONDS);
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    worker.shutdownNow();
    timer.shutdownNow();
  }
}
