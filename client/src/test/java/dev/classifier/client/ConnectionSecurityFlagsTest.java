package dev.classifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flag rules that the CLI's and the load tester's mixins both rely on. */
class ConnectionSecurityFlagsTest {
  @TempDir Path dir;

  @Test
  void noFlagsIsPlaintext() {
    assertThat(ConnectionSecurity.fromFlags(false, null, null, null, null, null, null))
        .isEqualTo(ConnectionSecurity.plaintext());
  }

  @Test
  void caCertOrServerNameImplyTls() {
    Path ca = dir.resolve("ca.pem");
    assertThat(ConnectionSecurity.fromFlags(false, ca, null, null, null, null, null))
        .isEqualTo(new ConnectionSecurity(true, ca, null, null, null, null));
    assertThat(ConnectionSecurity.fromFlags(false, null, null, null, "svc.local", null, null).tls())
        .isTrue();
    Path cert = dir.resolve("c.pem");
    Path key = dir.resolve("k.pem");
    assertThat(ConnectionSecurity.fromFlags(false, null, cert, key, null, null, null))
        .isEqualTo(new ConnectionSecurity(true, null, cert, key, null, null));
  }

  @Test
  void tokenFileGivesItsFirstLineStripped() throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "  s3cret-token \nsecond line\n", StandardCharsets.UTF_8);
    assertThat(ConnectionSecurity.fromFlags(false, null, null, null, null, null, f).token())
        .isEqualTo("s3cret-token");
  }

  @Test
  void tokenAndTokenFileTogetherAreRefused() {
    assertThatThrownBy(
            () ->
                ConnectionSecurity.fromFlags(
                    false, null, null, null, null, "abc", dir.resolve("token")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("give --token or --token-file, not both");
  }
}
