package dev.classifier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server and client jars as real processes, used as the README says. */
class CliProcessTest {
  private static Jars.ServerProcess server;
  private static Path client;
  private static List<Path> samples;

  @BeforeAll
  static void start() throws Exception {
    server = new Jars.ServerProcess();
    client = Jars.jar("client-cli", "classifier-client");
    samples = Jars.samplePngs();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** {@code classifier classify --server <the test server> args...}. */
  private static Jars.Result classify(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("classify", "--server", server.target()));
    all.addAll(List.of(args));
    return Jars.run(client, 120, all.toArray(String[]::new));
  }

  private static String slugOf(String label) {
    return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "");
  }

  /** Counts samples whose printed rank-1 label is their true label. */
  private static int correctTop1(String stdout) {
    String[] lines = stdout.split("\n");
    int correct = 0;
    for (int i = 0; i < lines.length - 1; i++) {
      if (lines[i].endsWith(".png")) {
        Path sample = Path.of(lines[i].trim());
        String first = lines[i + 1].trim();
        assertThat(first).startsWith("1. ");
        String label = first.substring(3, first.lastIndexOf("(class")).trim();
        label = label.substring(0, label.lastIndexOf(' ')).trim();
        if (slugOf(label).equals(Jars.sampleSlug(sample))) {
          correct++;
        }
      }
    }
    return correct;
  }

  @Test
  void serverBannerSaysWhatIsServedWhere() {
    assertThat(server.banner).contains("fashion-mnist[default]").contains("10 classes");
  }

  @Test
  void clientClassifiesTheSamplePngs() throws Exception {
    Jars.Result r = classify("--top-k", "3", "samples/fashion-mnist");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("0000-9-ankle-boot.png").contains("  3. ");
    assertThat(correctTop1(r.stdout()))
        .isGreaterThanOrEqualTo(15)
        .isLessThanOrEqualTo(samples.size());
  }

  @Test
  void clientStreamsAFolderAndPrintsEveryResult() throws Exception {
    Jars.Result r = classify("--stream", "samples/fashion-mnist");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout().lines().filter(l -> l.endsWith(".png")).count())
        .isEqualTo(samples.size());
    assertThat(correctTop1(r.stdout())).isGreaterThanOrEqualTo(15);
  }

  @Test
  void unreadableFileIsReportedAndOthersStillClassified() throws Exception {
    Path bad = Files.createTempFile("not-an-image", ".png");
    Files.writeString(bad, "this is not a PNG");
    try {
      Jars.Result r = classify(bad.toString(), samples.get(0).toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).contains("cannot read image").contains(bad.getFileName().toString());
      assertThat(r.stdout()).contains(samples.get(0).getFileName().toString());
    } finally {
      Files.deleteIfExists(bad);
    }
  }

  @Test
  void unreachableServerGetsAClearMessage() throws Exception {
    // a port held open by a peer that hangs up on every connection: no reliance on a freed port
    // staying unused; the client's transport fails (UNAVAILABLE) as against a server that is down
    try (ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread hangUp =
          new Thread(
              () -> {
                while (!peer.isClosed()) {
                  try {
                    peer.accept().close();
                  } catch (IOException closed) {
                    return;
                  }
                }
              },
              "hang-up-peer");
      hangUp.setDaemon(true);
      hangUp.start();
      int port = peer.getLocalPort();
      Jars.Result r =
          Jars.run(
              client, 120, "classify", "--server", "127.0.0.1:" + port, samples.get(0).toString());
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
      assertThat(r.stderr()).contains("cannot reach the server at 127.0.0.1:" + port);
    }
  }

  @Test
  void sigtermStopsTheServerWithinItsGrace() throws Exception {
    try (Jars.ServerProcess other = new Jars.ServerProcess("--shutdown-grace-seconds", "2")) {
      other.process.destroy(); // SIGTERM
      assertThat(other.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
      // 143 (128 + SIGTERM) is what the server's TERM handler exits with after stopping
      assertThat(other.process.exitValue()).as(other.stderrText()).isEqualTo(143);
    }
  }
}
