package dev.classifier.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a client reaches a secured server: TLS (trusting the system CAs or a given CA file),
 * optionally a client certificate (mutual TLS), and optionally a bearer token sent as {@code
 * authorization: Bearer <token>} on every call. One value shared by the Java client, the CLI, the
 * evaluate command and the load tester. {@link #toString()} never shows the token.
 *
 * @param tls whether to use TLS
 * @param ca PEM CA certificate(s) to trust; null = the system's trust store
 * @param cert PEM client certificate chain for mutual TLS; null = none
 * @param key PEM PKCS#8 private key of {@code cert}
 * @param token the bearer token; null = none
 * @param serverName the name to verify the server certificate against (and send as SNI and
 *     authority) when it differs from the address dialled; null = the address
 */
public record ConnectionSecurity(
    boolean tls, Path ca, Path cert, Path key, String token, String serverName) {

  public ConnectionSecurity {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("a client certificate needs both --cert and --key");
    }
    if (!tls && (ca != null || cert != null || serverName != null)) {
      throw new IllegalArgumentException("--ca, --cert, --key and --server-name need --tls");
    }
    if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
      throw new IllegalArgumentException("the token must be printable ASCII without spaces");
    }
  }

  /** No TLS, no token. */
  public static ConnectionSecurity plaintext() {
    return new ConnectionSecurity(false, null, null, null, null, null);
  }

  /**
   * The settings the command-line flags give ({@code --tls --ca --cert --key --server-name --token
   * --token-file}), shared by the CLI and the load tester: any of {@code ca}, {@code cert} or
   * {@code serverName} implies TLS; the token comes from {@code token} or the first line of {@code
   * tokenFile}, not both. Each null means the flag was not given.
   */
  public static ConnectionSecurity fromFlags(
      boolean tls, Path ca, Path cert, Path key, String serverName, String token, Path tokenFile) {
    if (token != null && tokenFile != null) {
      throw new IllegalArgumentException("give --token or --token-file, not both");
    }
    boolean useTls = tls || ca != null || cert != null || serverName != null;
    String t = tokenFile != null ? readToken(tokenFile) : token;
    return new ConnectionSecurity(useTls, ca, cert, key, t, serverName);
  }

  /** TLS trusting {@code ca} (null = system CAs). */
  public static ConnectionSecurity tls(Path ca) {
    return new ConnectionSecurity(true, ca, null, null, null, null);
  }

  public ConnectionSecurity withClientCertificate(Path certFile, Path keyFile) {
    return new ConnectionSecurity(tls, ca, certFile, keyFile, token, serverName);
  }

  public ConnectionSecurity withToken(String value) {
    return new ConnectionSecurity(tls, ca, cert, key, value, serverName);
  }

  /** The first line of {@code file}, trimmed (keeps tokens out of shell history and ps). */
  public static String readToken(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .findFirst()
          .orElse("")
          .strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the token file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Applies TLS and the token to a channel builder. */
  public NettyChannelBuilder apply(NettyChannelBuilder builder) {
    if (tls) {
      try {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (ca != null) {
          ssl.trustManager(ca.toFile());
        }
        if (cert != null) {
          ssl.keyManager(cert.toFile(), key.toFile());
        }
        builder.sslContext(ssl.build()).useTransportSecurity();
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
      }
      if (serverName != null) {
        builder.overrideAuthority(serverName);
      }
    } else {
      builder.usePlaintext();
    }
    if (token != null) {
      builder.intercept(new BearerToken("Bearer " + token));
    }
    return builder;
  }

  @Override
  public String toString() {
    return (tls ? "tls" + (cert != null ? "+client-cert" : "") : "plaintext")
        + (token != null ? ", token ****" : "");
  }

  /** Adds the authorization metadata to every call of the channel. */
  private static final class BearerToken implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String value;

    BearerToken(String value) {
      this.value = value;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          headers.put(AUTHORIZATION, value);
          super.start(listener, headers);
        }
      };
    }
  }
}
