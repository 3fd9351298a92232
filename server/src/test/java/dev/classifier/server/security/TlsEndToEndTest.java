package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ListModelsRequest;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on a real Netty server, with certificates made in the test: who is refused
 * (plaintext, unknown server CA, no client certificate, a client certificate from another CA or
 * expired), who is served, HTTPS metrics, and certificate rotation without restart.
 */
class TlsEndToEndTest {
  @TempDir Path dir;

  private ClassifierServer start(TlsConfig tls, int metricsPort) throws Exception {
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
            .toBuilder()
            .metricsPort(metricsPort)
            .jmx(false)
            .security(SecurityConfig.none().withTls(tls))
            .build();
    return new ClassifierServer(config).start();
  }

  private static ManagedChannel channel(int port, Path trustedCa, TestPki.Pem clientCert)
      throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(trustedCa.toFile());
    if (clientCert != null) {
      ssl.keyManager(clientCert.cert().toFile(), clientCert.key().toFile());
    }
    return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build();
  }

  private static int listModels(ManagedChannel ch) {
    try {
      return ClassifierGrpc.newBlockingStub(ch)
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .listModels(ListModelsRequest.getDefaultInstance())
          .getModelsCount();
    } finally {
      // caller closes
    }
  }

  private static void assertRefused(ManagedChannel ch) throws InterruptedException {
    try {
      assertThatThrownBy(() -> listModels(ch))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void assertServed(ManagedChannel ch) throws InterruptedException {
    try {
      assertThat(listModels(ch)).isEqualTo(1);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void mutualTlsServesOnlyClientsWithAValidCertificateFromTheClientCa() throws Exception {
    TestPki.Issued ca = TestPki.ca("test-ca");
    TestPki.Issued otherCa = TestPki.ca("other-ca");
    Path caPem = dir.resolve("ca.pem");
    TestPki.writeCert(ca.cert(), caPem);
    Path otherCaPem = dir.resolve("other-ca.pem");
    TestPki.writeCert(otherCa.cert(), otherCaPem);
    TestPki.Pem server = TestPki.server(ca, "server").write(dir, "server");
    TestPki.Pem good = TestPki.client(ca, "backend-a").write(dir, "good");
    TestPki.Pem foreign = TestPki.client(otherCa, "backend-a").write(dir, "foreign");
    TestPki.Pem expired = TestPki.expiredClient(ca, "backend-old").write(dir, "expired");

    ClassifierServer s =
        start(
            TlsConfig.of(server.cert(), server.key())
                .withClientCa(caPem, ClientAuth.REQUIRE)
                .withProvider(TlsProvider.OPENSSL),
            -1);
    try {
      int port = s.port();
      assertThat(s.describe()).contains("TLS 1.2+ openssl", "client certificates required");
      assertServed(channel(port, caPem, good));
      assertRefused(channel(port, caPem, null)); // no client certificate
      assertRefused(channel(port, caPem, foreign)); // signed by another CA
      assertRefused(channel(port, caPem, expired)); // expired
      assertRefused(channel(port, otherCaPem, good)); // the client does not trust the server
      assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    } finally {
      s.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void aMappedClientCertificateStandsInForAToken() throws Exception {
    TestPki.Issued ca = TestPki.ca("test-ca");
    Path caPem = dir.resolve("ca.pem");
    TestPki.writeCert(ca.cert(), caPem);
    TestPki.Pem server = TestPki.server(ca, "server").write(dir, "server");
    TestPki.Pem mapped = TestPki.client(ca, "backend-a").write(dir, "mapped");
    TestPki.Pem unmapped = TestPki.client(ca, "backend-b").write(dir, "unmapped");
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
            .toBuilder()
            .security(
                SecurityConfig.none()
                    .withTls(
                        TlsConfig.of(server.cert(), server.key())
                            .withClientCa(caPem, ClientAuth.REQUIRE))
                    .withAuth(
                        AuthConfig.off()
                            .withCertificateIdentities(
                                List.of(
                                    new CertificateIdentity(
                                        "o=test, cn=backend-a", // order and case as written by a
                                        // person
                                        new Principal(
                                            "backend-a",
                                            java.util.Set.of("*"),
                                            false,
                                            "certificate"))))))
            .build();
    ClassifierServer s = new ClassifierServer(config).start();
    try {
      assertThat(s.describe()).contains("1 certificate identities");
      assertServed(channel(s.port(), caPem, mapped));
      ManagedChannel ch = channel(s.port(), caPem, unmapped);
      try {
        assertThatThrownBy(() -> listModels(ch))
            .isInstanceOf(StatusRuntimeException.class)
            .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.UNAUTHENTICATED);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      s.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void rotatedServerCertificateIsUsedForNewConnectionsWhileOpenCallsCarryOn() throws Exception {
    TestPki.Issued ca1 = TestPki.ca("ca-1");
    TestPki.Issued ca2 = TestPki.ca("ca-2");
    Path ca1Pem = dir.resolve("ca1.pem");
    Path ca2Pem = dir.resolve("ca2.pem");
    TestPki.writeCert(ca1.cert(), ca1Pem);
    TestPki.writeCert(ca2.cert(), ca2Pem);
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    TestPki.server(ca1, "server-1").writeTo(certFile, keyFile);

    ClassifierServer s =
        start(
            TlsConfig.of(certFile, keyFile)
                .withProvider(TlsProvider.JDK)
                .withReloadInterval(Duration.ofMillis(100)),
            0);
    ManagedChannel before = channel(s.port(), ca1Pem, null);
    try {
      assertThat(s.describe()).contains("TLS 1.2+ jdk", "no client certificates", "https://");
      metricsAnswerOverHttps(s.metricsPort(), ca1Pem);
      // a stream opened before the rotation
      ClassifierClient client = new ClassifierClient(before, false, Duration.ofSeconds(20));
      ImageInput image = client.encoder("").encode(TestModels.samples().get(0));
      LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
      StreamObserver<ClassifyStreamRequest> stream =
          ClassifierGrpc.newStub(before).classifyStream(new Collect(answers));
      stream.onNext(item("before", image));
      assertThat(answers.poll(20, TimeUnit.SECONDS)).isInstanceOf(ClassifyStreamResponse.class);

      // rotate: a new certificate from another CA, each file replaced atomically
      Path staging = Files.createDirectory(dir.resolve("staging"));
      TestPki.server(ca2, "server-2").writeTo(staging.resolve("c"), staging.resolve("k"));
      Files.move(staging.resolve("c"), certFile, StandardCopyOption.ATOMIC_MOVE);
      Files.move(staging.resolve("k"), keyFile, StandardCopyOption.ATOMIC_MOVE);

      int port = s.port();
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .untilAsserted(() -> assertServed(channel(port, ca2Pem, null)));
      assertThat(s.security().tls().reloader().reloads()).isEqualTo(1);
      assertRefused(channel(port, ca1Pem, null)); // new connections get the new certificate
      // the connection made before the rotation, and its open stream, carry on
      stream.onNext(item("after", image));
      Object after = answers.poll(20, TimeUnit.SECONDS);
      assertThat(after).isInstanceOf(ClassifyStreamResponse.class);
      assertThat(((ClassifyStreamResponse) after).getRequestId()).isEqualTo("after");
      stream.onCompleted();
      assertThat(listModels(before)).isEqualTo(1);
    } finally {
      before.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      s.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void aBadRotationIsRejectedAndTheServingCertificateStays() throws Exception {
    TestPki.Issued ca = TestPki.ca("ca");
    Path caPem = dir.resolve("ca.pem");
    TestPki.writeCert(ca.cert(), caPem);
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    TestPki.server(ca, "server").writeTo(certFile, keyFile);
    ServerTls tls = ServerTls.load(TlsConfig.of(certFile, keyFile));
    try {
      // the key of another certificate: refused, the loaded pair stays
      TestPki.Issued other = TestPki.server(ca, "other");
      Path otherCert = dir.resolve("o.crt");
      other.writeTo(otherCert, dir.resolve("o.key"));
      Files.copy(dir.resolve("o.key"), keyFile, StandardCopyOption.REPLACE_EXISTING);
      assertThat(tls.reloader().poll()).isFalse();
      assertThat(tls.reloader().reloads()).isZero();
      // once the matching certificate arrives too, the pair is loaded
      Files.copy(otherCert, certFile, StandardCopyOption.REPLACE_EXISTING);
      assertThat(tls.reloader().poll()).isTrue();
      assertThat(tls.reloader().poll()).isFalse(); // unchanged since
      assertThat(tls.reloader().reloads()).isEqualTo(1);
    } finally {
      tls.close();
    }
    Files.writeString(keyFile, "not a key");
    assertThatThrownBy(() -> ServerTls.load(TlsConfig.of(certFile, keyFile)))
        .hasMessageContaining("tls.crt")
        .hasMessageContaining("private key");
  }

  private static void metricsAnswerOverHttps(int port, Path caPem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry(
        "ca",
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(caPem)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(ctx).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("classifier");
    HttpClient plain = HttpClient.newHttpClient();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  private static ClassifyStreamRequest item(String id, ImageInput image) {
    return ClassifyStreamRequest.newBuilder().setRequestId(id).setImage(image).setTopK(1).build();
  }

  private record Collect(LinkedBlockingQueue<Object> out)
      implements StreamObserver<ClassifyStreamResponse> {
    @Override
    public void onNext(ClassifyStreamResponse value) {
      out.add(value);
    }

    @Override
    public void onError(Throwable t) {
      out.add(t);
    }

    @Override
    public void onCompleted() {}
  }
}
