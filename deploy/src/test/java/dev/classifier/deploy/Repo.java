package dev.classifier.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository and the build, from the properties Surefire sets. */
final class Repo {
  private Repo() {}

  static Path root() {
    return Path.of(System.getProperty("classifier.repoRoot", "..")).toAbsolutePath().normalize();
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  /** The Maven project version (the image tag). */
  static String version() {
    return System.getProperty("classifier.version", "0.1.0-SNAPSHOT");
  }

  /** A module's runnable jar, e.g. {@code jar("server", "classifier-server")}. */
  static Path jar(String module, String name) {
    return path(
        module + "/" + System.getProperty("classifier.buildDir", "target") + "/" + name + ".jar");
  }

  static String read(String relative) throws IOException {
    return Files.readString(path(relative));
  }

  /** Whether an executable is on the PATH. */
  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
