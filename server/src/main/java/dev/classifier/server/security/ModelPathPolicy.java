package dev.classifier.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where {@code Admin/ReloadModel} may load a model from: only regular files inside the configured
 * model root. A requested path is refused when it contains {@code ..}, when it is absolute and
 * outside the root, or when it resolves (through symbolic links) outside the root; the model is
 * then loaded from the resolved real path, so the file that was checked is the file that is read.
 */
public final class ModelPathPolicy {
  private static final int MAX_ECHO = 200;
  private final Path root;

  private ModelPathPolicy(Path root) {
    this.root = root;
  }

  /** No model root: every path is refused. */
  public static ModelPathPolicy none() {
    return new ModelPathPolicy(null);
  }

  /** Paths under {@code root}, which must be an existing folder (resolved to its real path). */
  public static ModelPathPolicy under(Path root) throws IOException {
    if (root == null) {
      return none();
    }
    Path real;
    try {
      real = root.toRealPath();
    } catch (IOException e) {
      throw new IOException("security.admin.modelRoot " + root + " does not exist", e);
    }
    if (!Files.isDirectory(real)) {
      throw new IOException("security.admin.modelRoot " + root + " is not a folder");
    }
    return new ModelPathPolicy(real);
  }

  /** The real path to load {@code requested} from, or an exception saying why not. */
  public Path check(String requested) {
    if (requested == null || requested.isBlank()) {
      throw new IllegalArgumentException("the model path is empty");
    }
    if (root == null) {
      throw new IllegalStateException(
          "reloading from a path is off: set security.admin.modelRoot (--model-root)");
    }
    if (requested.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("the model path contains a NUL character");
    }
    String echo = echo(requested);
    Path p;
    try {
      p = Path.of(requested);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path: " + echo);
    }
    for (Path part : p) {
      if (part.toString().equals("..")) {
        throw new PathRefusedException("'..' is not allowed in a model path: " + echo);
      }
    }
    Path candidate = p.isAbsolute() ? p.normalize() : root.resolve(p).normalize();
    if (!candidate.startsWith(root)) {
      throw new PathRefusedException("the model path is outside the model root: " + echo);
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file under the model root: " + echo, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot resolve the model path " + echo + ": " + e.getMessage());
    }
    if (!real.startsWith(root)) {
      throw new PathRefusedException(
          "the model path resolves (through a symbolic link) outside the model root: " + echo);
    }
    if (!Files.isRegularFile(real)) {
      throw new IllegalArgumentException("the model path is not a regular file: " + echo);
    }
    return real;
  }

  private static String echo(String s) {
    return s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO) + "...";
  }
}
