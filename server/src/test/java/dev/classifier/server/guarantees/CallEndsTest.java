package dev.classifier.server.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.Accounting;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TcpProxy;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.grpc.ClassifierService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls ended every way, over real HTTP/2 flow control over Netty: calls ended by the client
 * (cancel, GOAWAY), by their deadline, by a dropped TCP connection or by the transport (an
 * over-size message) are counted once by code; a never-reading client holds the server to its
 * window; the stream gauges return to zero however the stream ended.
 */
class CallEndsTest {
  private static final int MAX_MESSAGE = 64 * 1024;

  /**
   * Items a stream may hold: large enough that its answers (~150 bytes each) overflow Netty's 32
   * KiB write buffer and the client's 1 KiB HTTP/2 window, so answers wait on flow control.
   */
  private static final int WINDOW = 512;

  private static ClassifierServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(8).maxQueueSize(1024).build();
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))).toBuilder()
            .metricsPort(0)
            .maxMessageBytes(MAX_MESSAGE)
            .streamWindow(WINDOW)
            .build();
    server = new ClassifierServer(config).start();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  /** A stream whose client asks for no answers: everything it sends waits on flow control. */
  private static final class NeverReading
      implements ClientResponseObserver<ClassifyStreamRequest, ClassifyStreamResponse> {
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCallStreamObserver<ClassifyStreamRequest> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<ClassifyStreamRequest> r) {
      requests = r;
      r.disableAutoRequestWithInitial(0);
    }

    @Override
    public void onNext(ClassifyStreamResponse value) {}

    @Override
    public void onError(Throwable t) {
      closed.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      closed.complete(Status.OK);
    }
  }

  private static void sendItems(NeverReading s, int n) {
    Random random = new Random(4);
    for (int i = 0; i < n; i++) {
      s.requests.onNext(
          ClassifyStreamRequest.newBuilder()
              .setRequestId("i" + i)
              .setImage(Tensors.randomMnist(random))
              .build());
    }
  }

  @Test
  void cancelledAndDeadlineExceededStreamsAreCountedAndReleaseTheirGauges() throws Exception {
    Accounting before = Accounting.settled(server);
    // a 1 KiB HTTP/2 window: a few answers fill it, the rest wait on the server for the reader
    ManagedChannel tight =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .flowControlWindow(1024)
            .build();
    ClassifierService.StreamStats stats = server.service().streamStats();
    try {
      for (int i = 0; i < 3; i++) {
        NeverReading s = new NeverReading();
        ClassifierGrpc.newStub(tight).classifyStream(s);
        sendItems(s, 400);
        // every item computed, most of them held by the server: answered but not written
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .until(
                () ->
                    server.registry().resolve("").batcher().queuedRequests() == 0
                        && stats.itemsReceived() - stats.itemsAnswered() - stats.itemsCancelled()
                            >= 100);
        s.requests.cancel("client gives up", null);
        assertThat(s.closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
      }
    } finally {
      tight.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 2; i++) {
      NeverReading s = new NeverReading();
      ClassifierGrpc.newStub(channel)
          .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
          .classifyStream(s);
      sendItems(s, 10);
      assertThat(s.closed.get(10, TimeUnit.SECONDS).getCode())
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }
    Accounting after = Accounting.settled(server);
    String m = "Classifier/ClassifyStream";
    assertThat(after.received(m) - before.received(m)).isEqualTo(5);
    // a stream past its deadline ends by the client's RST_STREAM (CANCELLED) or the server's own
    // timer (DEADLINE_EXCEEDED), whichever comes first; either way it is counted exactly once
    double cancelled = after.answered(m, "CANCELLED") - before.answered(m, "CANCELLED");
    double expired =
        after.answered(m, "DEADLINE_EXCEEDED") - before.answered(m, "DEADLINE_EXCEEDED");
    assertThat(cancelled).isGreaterThanOrEqualTo(3);
    assertThat(cancelled + expired).isEqualTo(5);
    after.assertBalanced();
  }

  /**
   * Opens a never-reading stream on {@code channel}, waits until the server holds answers it cannot
   * write, ends the connection with {@code end}, then checks that the call was counted once and
   * every gauge is back at zero.
   */
  private static void endWhileAnswersWait(ManagedChannel channel, Runnable end) throws Exception {
    Accounting before = Accounting.settled(server);
    ClassifierService.StreamStats stats = server.service().streamStats();
    NeverReading s = new NeverReading();
    ClassifierGrpc.newStub(channel).classifyStream(s);
    sendItems(s, 400);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(
            () ->
                server.registry().resolve("").batcher().queuedRequests() == 0
                    && stats.itemsReceived() - stats.itemsAnswered() - stats.itemsCancelled()
                        >= 100);
    // bytes held stay bounded: never more items than the window, however slow the reader
    assertThat(stats.peakOutstanding()).isLessThanOrEqualTo(WINDOW);
    end.run();
    Accounting after = Accounting.settled(server);
    String m = "Classifier/ClassifyStream";
    assertThat(after.received(m) - before.received(m)).isEqualTo(1);
    after.assertBalanced();
  }

  @Test
  void aDroppedTcpConnectionReleasesTheStreamAndIsCounted() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      ManagedChannel viaProxy =
          NettyChannelBuilder.forAddress("127.0.0.1", proxy.port())
              .usePlaintext()
              .flowControlWindow(1024)
              .build();
      try {
        endWhileAnswersWait(viaProxy, proxy::dropAll);
      } finally {
        viaProxy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aClientGoawayReleasesTheStreamAndIsCounted() throws Exception {
    ManagedChannel tight =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .flowControlWindow(1024)
            .build();
    try {
      endWhileAnswersWait(tight, tight::shutdownNow); // GOAWAY and RST_STREAM from the client
    } finally {
      tight.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anOverSizeMessageIsCountedResourceExhausted() throws Exception {
    Accounting before = Accounting.settled(server);
    float[] pixels = new float[(MAX_MESSAGE / 4 / 784 + 1) * 784];
    ClassifyRequest big =
        ClassifyRequest.newBuilder()
            .addImages(Tensors.image(Tensors.float32(pixels, pixels.length / 784, 1, 28, 28)))
            .build();
    StatusRuntimeException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                ClassifierGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .classify(big));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    Accounting after = Accounting.settled(server);
    String m = "Classifier/Classify";
    assertThat(after.answered(m, "RESOURCE_EXHAUSTED") - before.answered(m, "RESOURCE_EXHAUSTED"))
        .isEqualTo(1);
    after.assertBalanced();
  }
}
