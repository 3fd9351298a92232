package dev.classifier.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starts the packaged jars as processes. */
final class Jars {
  static final Path ROOT = Path.of(System.getProperty("classifier.repoRoot", "..")).normalize();

  private Jars() {}

  /** The sample PNGs in samples/fashion-mnist, sorted by name. */
  static List<Path> samplePngs() throws IOException {
    try (Stream<Path> s = Files.list(ROOT.resolve("samples/fashion-mnist"))) {
      return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
  }

  /** The true label of a sample from its file name, e.g. 0000-9-ankle-boot.png -> ankle-boot. */
  static String sampleSlug(Path sample) {
    String n = sample.getFileName().toString();
    return n.substring(n.indexOf('-', 5) + 1, n.length() - 4);
  }

  static Path jar(String module, String name) {
    String buildDir = System.getProperty("classifier.buildDir", "target");
    Path p = ROOT.resolve(module).resolve(buildDir).resolve(name + ".jar");
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " is missing: run the build through the package phase");
    }
    return p;
  }

  static List<String> javaCommand(Path jar, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The result of a finished process. */
  record Result(int exitCode, String stdout, String stderr) {}

  /** Runs a jar to completion (at most {@code timeoutSeconds}). */
  static Result run(Path jar, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("e2e-out", ".txt");
    Path err = Files.createTempFile("e2e-err", ".txt");
    Process p =
        new ProcessBuilder(javaCommand(jar, args))
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("process did not finish in " + timeoutSeconds + " s: " + args[0]);
    }
    Result r =
        new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return r;
  }

  /**
   * A server process that has printed its listening line. Unless the arguments say otherwise, its
   * metrics endpoint gets an ephemeral port (so that parallel test servers never collide on the
   * default 9090) and its serving-path warm-up is capped at 2 s.
   */
  static final class ServerProcess implements AutoCloseable {
    final Process process;
    final int port;
    final String banner;
    final Path stderr;

    ServerProcess(String... args) throws IOException {
      stderr = Files.createTempFile("server-err", ".txt");
      List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0"));
      if (!List.of(args).contains("--admin-port")) {
        all.addAll(List.of("--admin-port", "0"));
      }
      if (!List.of(args).contains("--metrics-port")) {
        all.addAll(List.of("--metrics-port", "0"));
      }
      if (List.of(args).stream()
          .noneMatch(a -> a.startsWith("--warmup") || a.equals("--no-warmup"))) {
        // a short serving-path warm-up (2 s); tests about warm-up pass --warmup for the defaults
        all.addAll(List.of("--warmup-max-millis", "2000"));
      }
      all.addAll(List.of(args));
      process =
          new ProcessBuilder(
                  javaCommand(jar("server", "classifier-server"), all.toArray(String[]::new)))
              .directory(ROOT.toFile())
              .redirectError(stderr.toFile())
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.contains("listening on 127.0.0.1:")) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "server did not start: " + line + "\n" + Files.readString(stderr));
      }
      banner = line;
      String rest = line.substring(line.indexOf("127.0.0.1:") + "127.0.0.1:".length());
      port = Integer.parseInt(rest.replaceAll("^(\\d+).*$", "$1"));
      // the rest of stdout (access log) is read and dropped, so that the server never blocks on it
      Thread drain =
          new Thread(
              () -> {
                try {
                  while (out.readLine() != null) {
                    // dropped
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              },
              "server-stdout");
      drain.setDaemon(true);
      drain.start();
    }

    long pid() {
      return process.pid();
    }

    /** Sends a signal by name ("TERM", "HUP", "INT") with {@code kill}. */
    void signal(String name) throws IOException, InterruptedException {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("kill -" + name + " " + pid() + " failed");
      }
    }

    /** The server's stderr so far (its log). */
    String stderrText() throws IOException {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    String target() {
      return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(stderr);
    }
  }
}
