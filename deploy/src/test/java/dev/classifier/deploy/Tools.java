package dev.classifier.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool to completion with a time bound. */
final class Tools {
  private Tools() {}

  /** Output and exit code of one run. */
  record Result(int exitCode, String output) {}

  static Result run(Path dir, long timeoutSeconds, List<String> command)
      throws IOException, InterruptedException {
    return run(new ProcessBuilder(command).directory(dir.toFile()), timeoutSeconds);
  }

  static Result run(ProcessBuilder pb, long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> command = pb.command();
    Process p = pb.redirectErrorStream(true).start();
    p.getOutputStream().close();
    // the tools used here print little; read after exit is safe below the pipe buffer, but drain
    // concurrently anyway
    StringBuilder out = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.append("<output unreadable: ").append(e).append('>');
              }
            });
    reader.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      reader.join(5000);
      throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s: " + out);
    }
    reader.join(5000);
    return new Result(p.exitValue(), out.toString());
  }
}
