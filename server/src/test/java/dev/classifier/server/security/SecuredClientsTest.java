package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.client.ConnectionSecurity;
import dev.classifier.client.cli.ClientMain;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Java client and the CLI against a server with mutual TLS and tokens. */
class SecuredClientsTest {
  @TempDir static Path dir;
  private static final String TOKEN = TokenHash.newToken();
  private static ClassifierServer server;
  private static Path caPem;
  private static TestPki.Pem clientPem;
  private static Path tokenFile;

  @BeforeAll
  static void start() throws Exception {
    TestPki.Issued ca = TestPki.ca("ca");
    caPem = dir.resolve("ca.pem");
    TestPki.writeCert(ca.cert(), caPem);
    TestPki.Pem serverPem = TestPki.server(ca, "server").write(dir, "server");
    clientPem = TestPki.client(ca, "cli").write(dir, "client");
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, TokenAuthEndToEndTest.entry("cli", TOKEN, Set.of("*"), false) + "\n");
    tokenFile = Files.writeString(dir.resolve("my-token"), TOKEN + "\n");
    server =
        new ClassifierServer(
                ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
                    .toBuilder()
                    .security(
                        SecurityConfig.none()
                            .withTls(
                                TlsConfig.of(serverPem.cert(), serverPem.key())
                                    .withClientCa(caPem, ClientAuth.REQUIRE))
                            .withAuth(AuthConfig.tokens(tokens, Duration.ZERO)))
                    .build())
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void javaClientWithTlsClientCertificateAndToken() throws Exception {
    ConnectionSecurity sec =
        ConnectionSecurity.tls(caPem)
            .withClientCertificate(clientPem.cert(), clientPem.key())
            .withToken(TOKEN);
    assertThat(sec.toString()).isEqualTo("tls+client-cert, token ****").doesNotContain(TOKEN);
    Path sample = TestModels.samples().get(0);
    try (ClassifierClient c =
        ClassifierClient.connect("127.0.0.1:" + server.port(), Duration.ofSeconds(20), sec)) {
      ClassifyResponse r = c.classifyFiles("", List.of(sample), 1);
      assertThat(r.getResults(0).getPredictions(0).getIndex())
          .isEqualTo(TestModels.sampleClass(sample));
    }
    try (ClassifierClient noToken =
        ClassifierClient.connect(
            "127.0.0.1:" + server.port(),
            Duration.ofSeconds(20),
            ConnectionSecurity.tls(caPem)
                .withClientCertificate(clientPem.cert(), clientPem.key()))) {
      StatusRuntimeException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class, () -> noToken.listModels());
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
  }

  record Run(int code, String out, String err) {}

  private static synchronized Run cli(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new ClientMain()).execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void cliClassifiesWithTlsFlagsAndATokenFile() {
    Path sample = TestModels.samples().get(0);
    Run ok =
        cli(
            "classify",
            sample.toString(),
            "--server",
            "127.0.0.1:" + server.port(),
            "--ca",
            caPem.toString(),
            "--cert",
            clientPem.cert().toString(),
            "--key",
            clientPem.key().toString(),
            "--token-file",
            tokenFile.toString(),
            "--top-k",
            "1");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("Ankle boot");
    Run streamed =
        cli(
            "classify",
            sample.toString(),
            "--stream",
            "--server",
            "127.0.0.1:" + server.port(),
            "--ca",
            caPem.toString(),
            "--cert",
            clientPem.cert().toString(),
            "--key",
            clientPem.key().toString(),
            "--token",
            TOKEN);
    assertThat(streamed.code()).as(streamed.err()).isZero();
    assertThat(streamed.out()).contains("Ankle boot");
    Run badFlags =
        cli(
            "models",
            "--server",
            "127.0.0.1:" + server.port(),
            "--cert",
            clientPem.cert().toString());
    assertThat(badFlags.code()).isEqualTo(2);
    assertThat(badFlags.err()).contains("a client certificate needs both --cert and --key");
  }
}
