package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.AdminGrpc;
import dev.classifier.proto.v1.ReloadModelRequest;
import dev.classifier.proto.v1.ReloadModelResponse;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin plane: Admin only on its own listener, admin permission required, ReloadModel only from
 * inside the model root (no "..", no absolute path outside, no symbolic-link escape), and every
 * action in the audit log with who asked.
 */
class AdminPlaneTest {
  @TempDir static Path tmp;

  private static final String OPS = TokenHash.newToken();
  private static final String USER = TokenHash.newToken();
  private static Path root;
  private static Path outside;
  private static ClassifierServer server;
  private static ManagedChannel admin;
  private static ManagedChannel publicPort;
  private static final ListAppender<ILoggingEvent> audit = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(tmp.resolve("models"));
    outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Path inside = Files.createDirectories(root.resolve("probs"));
    for (Path d : List.of(inside, outside)) {
      for (String f :
          List.of("probabilities.onnx", "probabilities.json", "probabilities.labels.txt")) {
        Files.copy(TestModels.fixture(f), d.resolve(f));
      }
    }
    Files.createSymbolicLink(root.resolve("escape.onnx"), outside.resolve("probabilities.onnx"));
    Files.createSymbolicLink(
        root.resolve("link-inside.onnx"), inside.resolve("probabilities.onnx"));
    Path tokens = tmp.resolve("tokens.txt");
    Files.writeString(
        tokens,
        TokenAuthEndToEndTest.entry("ops", OPS, Set.of("*"), true)
            + "\n"
            + TokenAuthEndToEndTest.entry("user", USER, Set.of("*"), false)
            + "\n");
    ModelConfig probs =
        new ModelConfig(
            "probs",
            inside.resolve("probabilities.onnx"),
            null,
            null,
            BatchPolicy.builder().build(),
            List.of("cpu"),
            1,
            TestModels.cpu());
    ServerConfig config =
        ServerConfig.of(0, List.of(probs)).toBuilder()
            .security(
                SecurityConfig.none()
                    .withAuth(AuthConfig.tokens(tokens, Duration.ZERO))
                    .withAdmin(AdminConfig.ephemeral().withModelRoot(root)))
            .build();
    ((Logger) LoggerFactory.getLogger("classifier.audit")).addAppender(audit);
    audit.start();
    server = new ClassifierServer(config).start();
    admin = NettyChannelBuilder.forAddress("127.0.0.1", server.adminPort()).usePlaintext().build();
    publicPort = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    publicPort.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop(Duration.ofSeconds(5));
    ((Logger) LoggerFactory.getLogger("classifier.audit")).detachAppender(audit);
  }

  private static AdminGrpc.AdminBlockingStub stub(ManagedChannel ch, String token) {
    return TokenAuthEndToEndTest.with(AdminGrpc.newBlockingStub(ch), token)
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static Status reload(String path) {
    try {
      ReloadModelRequest.Builder r = ReloadModelRequest.newBuilder().setModel("probs");
      if (path != null) {
        r.setPath(path);
      }
      stub(admin, OPS).reloadModel(r.build());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  @Test
  void adminIsNotServedOnThePublicPortAndNeedsTheAdminPermission() {
    assertThat(server.adminPort()).isPositive().isNotEqualTo(server.port());
    assertThat(server.describe()).contains("admin on 127.0.0.1:" + server.adminPort());
    StatusRuntimeException onPublic =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () -> stub(publicPort, OPS).reloadModel(ReloadModelRequest.getDefaultInstance()));
    assertThat(onPublic.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    StatusRuntimeException user =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () -> stub(admin, USER).reloadModel(ReloadModelRequest.getDefaultInstance()));
    assertThat(user.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void pathsInsideTheRootReload() throws Exception {
    assertThat(reload("probs/probabilities.onnx").getCode()).isEqualTo(Status.Code.OK);
    assertThat(reload(root.resolve("probs/probabilities.onnx").toString()).getCode())
        .isEqualTo(Status.Code.OK);
    assertThat(reload("link-inside.onnx").getCode()).isEqualTo(Status.Code.OK); // link stays inside
    assertThat(reload(null).getCode()).isEqualTo(Status.Code.OK); // its own file
    ReloadModelResponse r =
        stub(admin, OPS)
            .reloadModel(
                ReloadModelRequest.newBuilder()
                    .setModel("probs")
                    .setPath("probs/probabilities.onnx")
                    .build());
    assertThat(r.getSource())
        .isEqualTo(root.resolve("probs/probabilities.onnx").toRealPath().toString());
  }

  @Test
  void escapesAreRefusedWithPermissionDenied() {
    Status dots = reload("../elsewhere/probabilities.onnx");
    assertThat(dots.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(dots.getDescription()).startsWith("'..' is not allowed in a model path");
    assertThat(reload("probs/../../elsewhere/probabilities.onnx").getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            reload(root.resolve("probs/../../elsewhere/probabilities.onnx").toString()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    Status absolute = reload(outside.resolve("probabilities.onnx").toString());
    assertThat(absolute.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(absolute.getDescription()).startsWith("the model path is outside the model root");
    assertThat(reload("/etc/passwd").getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    Status link = reload("escape.onnx");
    assertThat(link.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(link.getDescription()).contains("through a symbolic link");
    assertThat(reload("probs/missing.onnx").getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(reload("probs").getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT); // a folder
    assertThat(reload("").getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void everyAdminActionIsAuditedWithTheIdentity() {
    reload("/etc/passwd");
    reload(null);
    assertThat(audit.list)
        .map(ILoggingEvent::getFormattedMessage)
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains(
                        "ReloadModel model='probs' path='/etc/passwd' by ops (token): refused, PERMISSION_DENIED"))
        .anySatisfy(m -> assertThat(m).contains("ReloadModel model='probs' by ops (token): done"));
  }

  @Test
  void withoutAModelRootEveryPathIsRefused() {
    ModelPathPolicy none = ModelPathPolicy.none();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> none.check("m.onnx"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("security.admin.modelRoot");
  }
}
