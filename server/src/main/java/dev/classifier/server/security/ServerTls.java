package dev.classifier.server.security;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The server's TLS material and contexts: one key manager and (with a client CA) one trust manager
 * shared by the gRPC port and the metrics endpoint, both reloaded in place when the PEM files
 * change. A handshake reads the credentials current at that moment, so new connections get the
 * rotated certificate while established connections and their calls carry on untouched.
 *
 * <p>gRPC: Netty's {@link SslContextBuilder} configured by grpc-netty's {@link GrpcSslContexts}
 * (ALPN h2, HTTP/2-approved AEAD cipher suites), TLS 1.3 and 1.2 only, on BoringSSL
 * (netty-tcnative) where it loads, the JDK otherwise. Metrics: the JDK's HTTPS server with the same
 * managers and protocols.
 */
public final class ServerTls implements AutoCloseable {
  /** The protocols offered; older ones are refused. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final TlsConfig config;
  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trust;
  private final FileReloader reloader;
  private final SslProvider provider;

  private ServerTls(TlsConfig config) throws IOException {
    this.config = config;
    this.provider = provider(config.provider());
    try {
      this.trust =
          config.clientCa() == null
              ? null
              : AdvancedTlsX509TrustManager.newBuilder()
                  .setVerification(
                      AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                  .build();
    } catch (CertificateException e) {
      throw new IOException("cannot create the client-certificate trust manager: " + e, e);
    }
    List<Path> files = new ArrayList<>(List.of(config.certChain(), config.privateKey()));
    if (config.clientCa() != null) {
      files.add(config.clientCa());
    }
    this.reloader = new FileReloader("TLS credentials", files, this::apply);
  }

  /** Reads the PEM files (failing with a message naming them) and builds the managers. */
  public static ServerTls load(TlsConfig config) throws IOException {
    ServerTls tls = new ServerTls(config);
    tls.reloader.loadNow();
    return tls;
  }

  private void apply(List<byte[]> contents) throws GeneralSecurityException, IOException {
    PemCredentials identity =
        PemCredentials.read(contents.get(0), contents.get(1), config.certChain().toString());
    X509Certificate[] cas = null;
    if (trust != null) {
      cas = PemCredentials.certificates(contents.get(2), "client CA " + config.clientCa());
    }
    keys.updateIdentityCredentials(identity.chain(), identity.key());
    if (trust != null) {
      trust.updateTrustCredentials(cas);
    }
  }

  private static SslProvider provider(TlsProvider wanted) {
    return switch (wanted) {
      case JDK -> SslProvider.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException(
              "security.tls.provider openssl requested but netty-tcnative did not load: "
                  + OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      case AUTO ->
          OpenSsl.isAvailable() && OpenSsl.supportsKeyManagerFactory()
              ? SslProvider.OPENSSL
              : SslProvider.JDK;
    };
  }

  /** Checks the files every {@code reloadInterval} on {@code scheduler}. */
  public ServerTls startReloading(ScheduledExecutorService scheduler) {
    reloader.start(scheduler, config.reloadInterval());
    return this;
  }

  public FileReloader reloader() {
    return reloader;
  }

  /** The context for the gRPC port. */
  public SslContext grpcContext() throws IOException {
    SslContextBuilder b =
        GrpcSslContexts.configure(SslContextBuilder.forServer(keys), provider)
            .protocols(PROTOCOLS)
            .clientAuth(
                switch (config.clientAuth()) {
                  case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
                  case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
                  case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
                });
    if (trust != null) {
      b.trustManager(trust);
    }
    return b.build();
  }

  /** HTTPS settings for the metrics endpoint (JDK TLS, same credentials and client auth). */
  public HttpsConfigurator httpsConfigurator() throws IOException {
    SSLContext ctx;
    try {
      ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {keys}, trust == null ? null : new TrustManager[] {trust}, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot create the metrics TLS context: " + e, e);
    }
    ClientAuth auth = config.clientAuth();
    return new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS.toArray(String[]::new));
        if (auth == ClientAuth.REQUIRE) {
          p.setNeedClientAuth(true);
        } else if (auth == ClientAuth.OPTIONAL) {
          p.setWantClientAuth(true);
        }
        params.setSSLParameters(p);
      }
    };
  }

  /** The implementation in use: "openssl (BoringSSL)" or "jdk". */
  public String providerName() {
    return provider == SslProvider.JDK ? "jdk" : "openssl (" + OpenSsl.versionString() + ")";
  }

  /** For the start-up line, e.g. "TLS 1.2+ openssl (BoringSSL), client certificates required". */
  public String describe() {
    String auth =
        switch (config.clientAuth()) {
          case NONE -> "no client certificates";
          case OPTIONAL -> "client certificates optional";
          case REQUIRE -> "client certificates required";
        };
    Duration every = config.reloadInterval();
    String reload =
        every.isZero()
            ? ", not reloaded"
            : ", reloaded on change (checked every "
                + (every.toMillis() % 1000 == 0
                    ? every.toSeconds() + " s)"
                    : every.toMillis() + " ms)");
    return "TLS 1.2+ " + providerName() + ", " + auth + reload;
  }

  @Override
  public void close() {
    reloader.close();
  }
}
