package dev.classifier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code classifier evaluate} as a real process against a real server process. */
class EvaluateProcessTest {
  private static Jars.ServerProcess server;
  private static Path client;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = new Jars.ServerProcess();
    client = Jars.jar("client-cli", "classifier-client");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /**
   * The 20 sample PNGs in class folders named like the labels (0000-9-ankle-boot.png ->
   * ankle-boot/).
   */
  private static Path imageFolder() throws Exception {
    Path root = tmp.resolve("folder-per-class");
    for (Path p : Jars.samplePngs()) {
      Path classFolder = Files.createDirectories(root.resolve(Jars.sampleSlug(p)));
      Files.copy(p, classFolder.resolve(p.getFileName()));
    }
    return root;
  }

  private static JsonNode evaluate(Path json, String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("evaluate"));
    all.addAll(List.of(args));
    all.addAll(List.of("--server", server.target(), "--json", json.toString()));
    Jars.Result r = Jars.run(client, 120, all.toArray(String[]::new));
    assertThat(r.exitCode()).as("stdout:%n%s%nstderr:%n%s", r.stdout(), r.stderr()).isZero();
    assertThat(r.stdout()).contains("Top-1:").contains("Top-5:").contains("confusion matrix");
    return new ObjectMapper().readTree(json.toFile());
  }

  @Test
  void folderPerClassGivesTheSameFiguresForTensorsAndEncodedImages() throws Exception {
    Path root = imageFolder();
    JsonNode tensor =
        evaluate(tmp.resolve("tensor.json"), root.toString(), "--format", "imagefolder");
    JsonNode encoded =
        evaluate(tmp.resolve("encoded.json"), root.toString(), "--send", "encoded", "--stream");
    for (JsonNode j : List.of(tensor, encoded)) {
      assertThat(j.get("images").asLong()).isEqualTo(20);
      assertThat(j.get("evaluated").asLong()).isEqualTo(20);
      assertThat(j.get("errors").asLong()).isZero();
      assertThat(j.get("label_matching").asText()).isEqualTo("class names matched to model labels");
      assertThat(j.get("per_class")).hasSize(10);
      for (JsonNode c : j.get("per_class")) {
        assertThat(c.get("images").asLong()).isEqualTo(2);
      }
      assertThat(j.get("top1_correct").asLong()).isBetween(15L, 20L);
      assertThat(j.get("top5_correct").asLong()).isEqualTo(20);
    }
    assertThat(encoded.get("send").asText()).isEqualTo("encoded");
    assertThat(encoded.get("transport").asText()).isEqualTo("stream");
    assertThat(encoded.get("top1_correct")).isEqualTo(tensor.get("top1_correct"));
    assertThat(encoded.get("confusion_matrix")).isEqualTo(tensor.get("confusion_matrix"));
  }

  @Test
  void idxSubsetWithLimitAndProgressBar() throws Exception {
    Path json = tmp.resolve("idx.json");
    Path html = tmp.resolve("idx.html");
    List<String> args =
        List.of(
            "evaluate",
            "server/src/test/resources/fixtures/fashion-mnist-test-1000",
            "--limit",
            "300",
            "--progress",
            "--server",
            server.target(),
            "--json",
            json.toString(),
            "--html",
            html.toString());
    Jars.Result r = Jars.run(client, 120, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("100% 300/300");
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertThat(j.get("dataset").asText()).contains("idx").contains("(first 300)");
    assertThat(j.get("label_matching").asText()).isEqualTo("class names are model class indices");
    assertThat(j.get("evaluated").asLong()).isEqualTo(300);
    assertThat(j.get("top1").asDouble()).isGreaterThan(0.8);
    assertThat(j.get("top5").asDouble()).isGreaterThan(0.97);
    assertThat(j.get("images_per_second").asDouble()).isPositive();
    long matrixTotal = 0;
    for (JsonNode row : j.get("confusion_matrix")) {
      for (JsonNode v : row) {
        matrixTotal += v.asLong();
      }
    }
    assertThat(matrixTotal).isEqualTo(300);
    String page = Files.readString(html);
    assertThat(page).contains("<svg").contains("Ankle boot");
    assertThat(page.split("<rect class=\"cell\"", -1)).hasSize(10 * 10 + 1);

    // without --progress and without a terminal: no progress bar
    Jars.Result quiet =
        Jars.run(
            client,
            120,
            "evaluate",
            "server/src/test/resources/fixtures/fashion-mnist-test-1000",
            "--limit",
            "10",
            "--server",
            server.target());
    assertThat(quiet.exitCode()).isZero();
    assertThat(quiet.stderr()).doesNotContain("10/10");
  }

  @Test
  void unmatchedClassFoldersAreABadArgument() throws Exception {
    Path root = tmp.resolve("bad-classes");
    Files.createDirectories(root.resolve("socks"));
    Files.copy(
        Jars.ROOT.resolve("samples/fashion-mnist/0000-9-ankle-boot.png"),
        root.resolve("socks/a.png"));
    Jars.Result r = Jars.run(client, 60, "evaluate", root.toString(), "--server", server.target());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("match no model label").contains("[socks]");
  }
}
