package dev.classifier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security as an operator uses it, with real processes: the server refuses an unprotected
 * non-loopback address, and a server with mutual TLS and tokens (certificates from
 * tools/make-dev-certs.sh, a token from hash-token) serves the CLI only with its credentials.
 */
class SecurityProcessTest {
  @Test
  void serverRefusesToListenOffLoopbackWithoutTlsAndAuth() throws Exception {
    Jars.Result r =
        Jars.run(
            Jars.jar("server", "classifier-server"),
            120,
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--metrics-port",
            "0",
            "--admin-port",
            "0");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr())
        .contains(
            "cannot start: refusing to listen for gRPC and metrics on 0.0.0.0 (not loopback)"
                + " without TLS and authentication")
        .contains("--insecure");
  }

  @Test
  void securedServerServesTheCliWithCertificateAndTokenOnly(@TempDir Path dir) throws Exception {
    Process which = new ProcessBuilder("sh", "-c", "command -v openssl").start();
    Assumptions.assumeTrue(
        which.waitFor(10, TimeUnit.SECONDS) && which.exitValue() == 0, "openssl");
    Path certs = dir.resolve("certs");
    Process make =
        new ProcessBuilder("bash", "tools/make-dev-certs.sh", certs.toString())
            .directory(Jars.ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(make.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(make.exitValue()).isZero();

    Path tokens = dir.resolve("tokens.txt");
    Jars.Result hashed =
        Jars.run(
            Jars.jar("server", "classifier-server"),
            60,
            "hash-token",
            "--name",
            "e2e",
            "--models",
            "*",
            "--append",
            tokens.toString());
    assertThat(hashed.exitCode()).as(hashed.stderr()).isZero();
    String token = hashed.stdout().strip().replace("token: ", "");
    assertThat(Files.readString(tokens)).doesNotContain(token);
    Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");

    try (Jars.ServerProcess server =
        new Jars.ServerProcess(
            "--tls-cert", certs.resolve("server.pem").toString(),
            "--tls-key", certs.resolve("server.key").toString(),
            "--tls-client-ca", certs.resolve("ca.pem").toString(),
            "--tokens-file", tokens.toString())) {
      assertThat(server.banner).contains("TLS 1.2+", "client certificates required", "1 token(s)");
      Path client = Jars.jar("client-cli", "classifier-client");
      Path sample = Jars.samplePngs().get(0);
      String[] tls = {
        "--ca", certs.resolve("ca.pem").toString(),
        "--cert", certs.resolve("client.pem").toString(),
        "--key", certs.resolve("client.key").toString()
      };
      Jars.Result ok =
          Jars.run(
              client,
              120,
              concat(
                  new String[] {
                    "classify",
                    sample.toString(),
                    "--server",
                    server.target(),
                    "--token-file",
                    tokenFile.toString()
                  },
                  tls));
      assertThat(ok.exitCode()).as(ok.stderr()).isZero();
      assertThat(ok.stdout()).contains("Ankle boot");

      Jars.Result noToken =
          Jars.run(client, 120, concat(new String[] {"models", "--server", server.target()}, tls));
      assertThat(noToken.exitCode()).isNotZero();
      assertThat(noToken.stderr() + noToken.stdout()).contains("UNAUTHENTICATED");

      Jars.Result plaintext =
          Jars.run(
              client,
              120,
              "models",
              "--server",
              server.target(),
              "--token-file",
              tokenFile.toString());
      assertThat(plaintext.exitCode()).isNotZero();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
