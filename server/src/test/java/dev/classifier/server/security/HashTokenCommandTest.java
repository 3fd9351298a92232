package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.server.ServerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code classifier-server hash-token}: entries the server accepts, no token at rest. */
class HashTokenCommandTest {
  record Run(int code, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new ServerMain()).execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void appendsAnEntryTheServerAcceptsAndPrintsTheTokenOnce(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens.txt");
    Run r =
        run(
            "hash-token",
            "--name",
            "backend-a",
            "--models",
            "fashion-mnist,resnet50",
            "--append",
            file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String token = r.out().strip().replace("token: ", "");
    assertThat(token).startsWith("clf_");
    assertThat(Files.readString(file))
        .doesNotContain(token)
        .startsWith("name=backend-a hash=sha256$");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    Run admin =
        run("hash-token", "--name", "ops", "--models", "*", "--admin", "--append", file.toString());
    assertThat(admin.code()).isZero();
    String opsToken = admin.out().strip().replace("token: ", "");

    try (TokenStore store = TokenStore.load(file)) {
      assertThat(store.authenticate(token))
          .contains(
              new Principal("backend-a", Set.of("fashion-mnist", "resnet50"), false, "token"));
      assertThat(store.authenticate(opsToken))
          .contains(new Principal("ops", Set.of("*"), true, "token"));
      assertThat(store.authenticate("clf_wrong")).isEmpty();
    }

    Run dup = run("hash-token", "--name", "ops", "--models", "*", "--append", file.toString());
    assertThat(dup.code()).isEqualTo(2);
    assertThat(dup.err()).contains("already has an entry named 'ops'");
  }

  @Test
  void hashesAGivenTokenAndPrintsOnlyTheEntry(@TempDir Path dir) throws Exception {
    String token = "a-token-chosen-elsewhere-0123456789";
    Path in = Files.writeString(dir.resolve("t"), token + "\n");
    Run r = run("hash-token", "--name", "x", "--models", "*", "--token-from", in.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).doesNotContain(token).startsWith("name=x hash=sha256$");
    TokenFile.Entry e = TokenFile.parse(r.out().getBytes(StandardCharsets.UTF_8)).get(0);
    assertThat(e.hash().matches(token)).isTrue();
  }
}
