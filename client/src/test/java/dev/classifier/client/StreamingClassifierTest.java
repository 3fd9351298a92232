package dev.classifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.classifier.proto.v1.Classification;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ItemError;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client side of ClassifyStream against a scripted in-process server that answers only when the
 * test says so: the window bounds what is in flight, {@code send} blocks for credit and {@code
 * trySend} does not, every refused or failed send gives its slot back, and the listener hears every
 * answer and the end of the stream before {@code awaitCompletion} returns.
 */
@Timeout(60)
class StreamingClassifierTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** The server side of the one open stream: items received, and the observer to answer on. */
  private final LinkedBlockingQueue<ClassifyStreamRequest> received = new LinkedBlockingQueue<>();

  private final CompletableFuture<StreamObserver<ClassifyStreamResponse>> answers =
      new CompletableFuture<>();
  private final CountDownLatch clientHalfClosed = new CountDownLatch(1);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new ClassifierGrpc.ClassifierImplBase() {
                  @Override
                  public StreamObserver<ClassifyStreamRequest> classifyStream(
                      StreamObserver<ClassifyStreamResponse> out) {
                    answers.complete(out);
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(ClassifyStreamRequest r) {
                        received.add(r);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        clientHalfClosed.countDown();
                      }
                    };
                  }
                })
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private StreamingClassifier open(int window) {
    return new ClassifierClient(channel, false, null)
        .openStream(
            window,
            new StreamingClassifier.Listener() {
              @Override
              public void onResponse(ClassifyStreamResponse r) {
                events.add(r.getRequestId() + (r.hasError() ? ":error" : ":ok"));
              }

              @Override
              public void onError(Throwable error) {
                events.add("failed:" + Status.fromThrowable(error).getCode());
              }

              @Override
              public void onCompleted() {
                events.add("completed");
              }
            });
  }

  private static ClassifyStreamRequest item(String id) {
    return ClassifyStreamRequest.newBuilder().setRequestId(id).build();
  }

  private StreamObserver<ClassifyStreamResponse> serverSide() throws Exception {
    return answers.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private void answer(String id) throws Exception {
    serverSide()
        .onNext(
            ClassifyStreamResponse.newBuilder()
                .setRequestId(id)
                .setResult(Classification.getDefaultInstance())
                .build());
  }

  @Test
  void sendBlocksWhileTheWindowIsFullAndResumesWhenAnItemIsAnswered() throws Exception {
    StreamingClassifier stream = open(2);
    stream.send(item("a"));
    assertThat(stream.trySend(item("b"))).isTrue();
    assertThat(stream.available()).isZero();
    assertThat(stream.trySend(item("refused"))).isFalse();

    CountDownLatch thirdSent = new CountDownLatch(1);
    AtomicReference<Throwable> senderFailure = new AtomicReference<>();
    Thread sender =
        new Thread(
            () -> {
              try {
                stream.send(item("c"));
                thirdSent.countDown();
              } catch (Throwable t) {
                senderFailure.set(t);
              }
            });
    sender.start();
    await().atMost(WAIT).until(() -> sender.getState() == Thread.State.WAITING);
    assertThat(thirdSent.getCount()).as("send returned with the window full").isEqualTo(1);
    await().atMost(WAIT).until(() -> received.size() == 2);

    answer("a");
    assertThat(thirdSent.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> received.size() == 3);
    assertThat(received)
        .extracting(ClassifyStreamRequest::getRequestId)
        .containsExactly("a", "b", "c");
    assertThat(senderFailure.get()).isNull();
    assertThat(stream.available()).isZero();
  }

  @Test
  void everyResponseAndThenTheEndReachTheListenerBeforeAwaitCompletionReturns() throws Exception {
    StreamingClassifier stream = open(4);
    stream.send(item("1"));
    stream.send(item("2"));
    stream.halfClose();
    assertThat(clientHalfClosed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(stream.awaitCompletion(Duration.ZERO)).isFalse();

    answer("2");
    serverSide()
        .onNext(
            ClassifyStreamResponse.newBuilder()
                .setRequestId("1")
                .setError(ItemError.newBuilder().setCode(3).setMessage("bad"))
                .build());
    serverSide().onCompleted();

    assertThat(stream.awaitCompletion(WAIT)).isTrue();
    assertThat(events).containsExactly("2:ok", "1:error", "completed");
    assertThat(stream.failure()).isNull();
    assertThat(stream.available()).isEqualTo(4);
  }

  @Test
  void aSendRefusedAfterHalfCloseGivesItsSlotBack() throws Exception {
    StreamingClassifier stream = open(2);
    stream.send(item("1"));
    stream.halfClose();
    assertThatThrownBy(() -> stream.send(item("late"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> stream.trySend(item("late")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(stream.available()).as("only item 1 is in flight").isEqualTo(1);
  }

  @Test
  void aFailedStreamWakesABlockedSenderAndIsReportedBeforeCompletion() throws Exception {
    StreamingClassifier stream = open(1);
    stream.send(item("1"));
    AtomicReference<Throwable> senderFailure = new AtomicReference<>();
    CountDownLatch senderDone = new CountDownLatch(1);
    Thread sender =
        new Thread(
            () -> {
              try {
                stream.send(item("2"));
              } catch (Throwable t) {
                senderFailure.set(t);
              } finally {
                senderDone.countDown();
              }
            });
    sender.start();
    await().atMost(WAIT).until(() -> sender.getState() == Thread.State.WAITING);

    serverSide().onError(Status.INTERNAL.withDescription("boom").asRuntimeException());

    assertThat(senderDone.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(senderFailure.get()).isInstanceOf(IllegalStateException.class);
    assertThat(stream.awaitCompletion(WAIT)).isTrue();
    assertThat(events).containsExactly("failed:INTERNAL");
    assertThat(Status.fromThrowable(stream.failure()).getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(received).extracting(ClassifyStreamRequest::getRequestId).containsExactly("1");
  }
}
