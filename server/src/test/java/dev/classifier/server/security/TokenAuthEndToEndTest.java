package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ListModelsRequest;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer-token authentication on a real Netty server: who is refused with which status (and that no
 * description echoes a token), per-model permissions for unary calls and each stream item, open
 * health, closed reflection, and a token removed from the file stops working.
 */
class TokenAuthEndToEndTest {
  @TempDir static Path dir;

  private static final String ALL = TokenHash.newToken();
  private static final String ONLY_OTHER = TokenHash.newToken();
  private static final String ADMIN = TokenHash.newToken();
  private static final String REVOKED = TokenHash.newToken();

  private static ClassifierServer server;
  private static ManagedChannel channel;
  private static Path tokens;
  private static ImageInput image;

  @BeforeAll
  static void start() throws Exception {
    tokens = dir.resolve("tokens.txt");
    Files.writeString(
        tokens,
        String.join(
            "\n",
            "# test tokens",
            entry("all", ALL, Set.of("*"), false),
            entry("other-only", ONLY_OTHER, Set.of("resnet50"), false),
            entry("ops", ADMIN, Set.of("*"), true),
            entry("leaver", REVOKED, Set.of("fashion-mnist"), false),
            ""));
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
            .toBuilder()
            .security(
                SecurityConfig.none().withAuth(AuthConfig.tokens(tokens, Duration.ofMillis(100))))
            .build();
    server = new ClassifierServer(config).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    image = encoderImage();
  }

  private static ImageInput encoderImage() throws Exception {
    // GetModelInfo needs a token too: fetch the spec through an authenticated stub
    var info =
        with(ClassifierGrpc.newBlockingStub(channel), ALL)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .getModelInfo(dev.classifier.proto.v1.GetModelInfoRequest.getDefaultInstance());
    return new dev.classifier.client.ImageEncoder(info).encode(TestModels.samples().get(0));
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop(Duration.ofSeconds(5));
  }

  static String entry(String name, String token, Set<String> models, boolean admin) {
    return new TokenFile.Entry(new Principal(name, models, admin, "token"), TokenHash.of(token))
        .line();
  }

  /**
   * A stub sending {@code authorization: Bearer <token>} (raw header value when token has a space).
   */
  static <S extends AbstractStub<S>> S with(S stub, String token) {
    return stub.withCallCredentials(
        new CallCredentials() {
          @Override
          public void applyRequestMetadata(
              RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata m = new Metadata();
            m.put(CallAuthenticator.AUTHORIZATION, token.contains(" ") ? token : "Bearer " + token);
            applier.apply(m);
          }
        });
  }

  private static ClassifyRequest classify(String model) {
    return ClassifyRequest.newBuilder().setModel(model).addImages(image).setTopK(1).build();
  }

  private static Status statusOf(Runnable call) {
    try {
      call.run();
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private static ClassifierGrpc.ClassifierBlockingStub classifier(String token) {
    ClassifierGrpc.ClassifierBlockingStub s =
        ClassifierGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    return token == null ? s : with(s, token);
  }

  @Test
  void missingMalformedAndUnknownTokensAreUnauthenticatedWithoutEchoingTheToken() {
    Status missing = statusOf(() -> classifier(null).classify(classify("")));
    assertThat(missing.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(missing.getDescription()).contains("authorization: Bearer <token>");

    String guess = "clf_thisIsNotAValidTokenButLooksLikeOne1234567";
    Status unknown = statusOf(() -> classifier(guess).classify(classify("")));
    assertThat(unknown.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(unknown.getDescription())
        .isEqualTo("unknown or revoked token")
        .doesNotContain(guess);

    Status basic = statusOf(() -> classifier("Basic " + ALL).classify(classify("")));
    assertThat(basic.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(basic.getDescription()).doesNotContain(ALL);

    // ListModels (no model in the message) still needs a token
    assertThat(
            statusOf(() -> classifier(null).listModels(ListModelsRequest.getDefaultInstance()))
                .getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aTokenIsServedForItsModelsAndDeniedOthers() {
    assertThat(classifier(ALL).classify(classify("")).getResults(0).getPredictions(0).getIndex())
        .isEqualTo(TestModels.sampleClass(TestModels.samples().get(0)));
    assertThat(classifier(ALL).classify(classify("fashion-mnist")).getResultsCount()).isEqualTo(1);

    Status denied = statusOf(() -> classifier(ONLY_OTHER).classify(classify("")));
    assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getDescription())
        .isEqualTo("identity 'other-only' may not use model '(default)'")
        .doesNotContain(ONLY_OTHER);
    // a model that is not served: denied, not NOT_FOUND (no probing for model names)
    assertThat(statusOf(() -> classifier(ONLY_OTHER).classify(classify("resnet50"))).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // the identity may still list models (no model in that message)
    assertThat(
            classifier(ONLY_OTHER)
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsCount())
        .isEqualTo(1);
  }

  @Test
  void eachStreamItemIsCheckedAndAForbiddenItemEndsTheStream() throws Exception {
    // allowed token: items served
    assertThat(streamOne(ALL, "fashion-mnist").get(30, TimeUnit.SECONDS)).isEqualTo("served");
    // restricted token: the item is refused before it reaches the service
    String outcome = streamOne(ONLY_OTHER, "fashion-mnist").get(30, TimeUnit.SECONDS);
    assertThat(outcome)
        .isEqualTo("PERMISSION_DENIED identity 'other-only' may not use model 'fashion-mnist'");
  }

  private static CompletableFuture<String> streamOne(String token, String model) {
    CompletableFuture<String> out = new CompletableFuture<>();
    StreamObserver<ClassifyStreamRequest> s =
        with(ClassifierGrpc.newStub(channel), token)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .classifyStream(
                new StreamObserver<ClassifyStreamResponse>() {
                  @Override
                  public void onNext(ClassifyStreamResponse r) {
                    out.complete(r.hasResult() ? "served" : "item error");
                  }

                  @Override
                  public void onError(Throwable t) {
                    Status st = Status.fromThrowable(t);
                    out.complete(st.getCode() + " " + st.getDescription());
                  }

                  @Override
                  public void onCompleted() {
                    out.complete("completed");
                  }
                });
    s.onNext(
        ClassifyStreamRequest.newBuilder()
            .setRequestId("1")
            .setModel(model)
            .setImage(image)
            .setTopK(1)
            .build());
    out.whenComplete((r, t) -> s.onCompleted());
    return out;
  }

  @Test
  void healthIsOpenAndReflectionIsClosed() throws Exception {
    HealthCheckResponse h =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService("").build());
    assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    CompletableFuture<Status> reflection = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> r =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<ServerReflectionResponse>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    reflection.complete(Status.OK);
                  }

                  @Override
                  public void onError(Throwable t) {
                    reflection.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {}
                });
    r.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    assertThat(reflection.get(10, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    r.onCompleted();
  }

  @Test
  void aTokenRemovedFromTheFileStopsWorkingAtTheNextCheck() throws Exception {
    assertThat(classifier(REVOKED).classify(classify("")).getResultsCount()).isEqualTo(1);
    List<String> lines = Files.readAllLines(tokens);
    Files.write(tokens, lines.stream().filter(l -> !l.startsWith("name=leaver ")).toList());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                statusOf(() -> classifier(REVOKED).classify(classify(""))).getCode()
                    == Status.Code.UNAUTHENTICATED);
    assertThat(classifier(ALL).classify(classify("")).getResultsCount()).isEqualTo(1);
  }
}
