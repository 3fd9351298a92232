package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.ConnectivityState;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connection policies on a real Netty server: concurrent-call limit and connection age. */
class ConnectionPolicyEndToEndTest {

  private static ClassifierServer start(ConnectionPolicy policy) throws Exception {
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
            .toBuilder()
            .connection(policy)
            .build();
    return new ClassifierServer(config).start();
  }

  private static ClassifyRequest request(ImageInput image) {
    return ClassifyRequest.newBuilder().addImages(image).setTopK(1).build();
  }

  @Test
  void aCallBeyondTheConcurrentLimitWaitsForASlotInsteadOfFailing() throws Exception {
    ClassifierServer server =
        start(ConnectionPolicy.defaults().withMaxConcurrentCallsPerConnection(1));
    String target = "127.0.0.1:" + server.port();
    try (ClassifierClient limited = ClassifierClient.connect(target, Duration.ofSeconds(30));
        ClassifierClient other = ClassifierClient.connect(target, Duration.ofSeconds(30))) {
      ImageInput image = limited.encoder("").encode(TestModels.samples().get(0));
      // the one slot of this connection: a ClassifyStream stays open until the client ends it
      CompletableFuture<Void> streamEnded = new CompletableFuture<>();
      StreamObserver<ClassifyStreamRequest> stream =
          ClassifierGrpc.newStub(limited.channel())
              .classifyStream(
                  new StreamObserver<ClassifyStreamResponse>() {
                    @Override
                    public void onNext(ClassifyStreamResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                      streamEnded.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                      streamEnded.complete(null);
                    }
                  });
      stream.onNext(
          ClassifyStreamRequest.newBuilder().setRequestId("a").setImage(image).setTopK(1).build());

      CompletableFuture<ClassifyResponse> waiting = limited.classifyAsync(request(image));
      // another connection is served meanwhile: the server works, this connection's call waits
      ClassifyResponse elsewhere = other.classifyAsync(request(image)).get(30, TimeUnit.SECONDS);
      assertThat(elsewhere.getResultsCount()).isEqualTo(1);
      assertThat(waiting).isNotDone();

      stream.onCompleted();
      streamEnded.get(30, TimeUnit.SECONDS);
      ClassifyResponse served = waiting.get(30, TimeUnit.SECONDS);
      assertThat(served.getResults(0).getPredictions(0).getIndex())
          .isEqualTo(TestModels.sampleClass(TestModels.samples().get(0)));
    } finally {
      server.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void maxConnectionAgeSendsGoawayAndTheClientReconnects() throws Exception {
    ClassifierServer server =
        start(
            ConnectionPolicy.defaults()
                .withMaxConnectionAge(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    try (ClassifierClient client =
        ClassifierClient.connect("127.0.0.1:" + server.port(), Duration.ofSeconds(30))) {
      ImageInput image = client.encoder("").encode(TestModels.samples().get(0));
      assertThat(client.classifyAsync(request(image)).get(30, TimeUnit.SECONDS).getResultsCount())
          .isEqualTo(1);
      assertThat(client.channel().getState(false)).isEqualTo(ConnectivityState.READY);
      // the server ends the connection with GOAWAY once it is older than the age: the channel
      // drops to IDLE (not TRANSIENT_FAILURE: a graceful close is no error)
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> client.channel().getState(false) == ConnectivityState.IDLE);
      assertThat(client.classifyAsync(request(image)).get(30, TimeUnit.SECONDS).getResultsCount())
          .isEqualTo(1);
      assertThat(client.channel().getState(false)).isEqualTo(ConnectivityState.READY);
    } finally {
      server.stop(Duration.ofSeconds(5));
    }
  }
}
