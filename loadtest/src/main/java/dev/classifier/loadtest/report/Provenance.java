package dev.classifier.loadtest.report;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * Where a set of figures came from: when, on what machine, by which command, from which commit. The
 * commit is the one given on the command line ({@code --git-commit}, which the bench scripts fill
 * from {@code git rev-parse HEAD}), else the {@code Git-Commit} entry the build writes into the
 * load tester's jar manifest (with "-dirty" when {@code Git-Dirty} is true), else "unknown".
 *
 * @param date ISO-8601 instant the run started
 * @param machine the machine
 * @param command the command line, shell-quoted
 * @param gitCommit commit hash (possibly with a "-dirty" suffix), or "unknown"
 */
public record Provenance(String date, Machine machine, String command, String gitCommit) {
  /** Manifest entry with the commit the jar was built from. */
  public static final String MANIFEST_COMMIT = "Git-Commit";

  /** Manifest entry: "true" when the build had uncommitted changes. */
  public static final String MANIFEST_DIRTY = "Git-Dirty";

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

  /** {@code java -jar classifier-loadtest.jar} followed by {@code args}, each quoted if needed. */
  public static String commandLine(List<String> args) {
    StringBuilder b = new StringBuilder("java -jar classifier-loadtest.jar");
    for (String a : args) {
      b.append(' ').append(quote(a));
    }
    return b.toString();
  }

  static String quote(String arg) {
    if (!arg.isEmpty() && PLAIN.matcher(arg).matches()) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /**
   * {@code given} if not blank, else the {@link #MANIFEST_COMMIT} of the manifest whose {@code
   * Main-Class} is {@code mainClass}, else "unknown".
   */
  public static String gitCommit(String given, Class<?> mainClass) {
    if (given != null && !given.isBlank()) {
      return given.strip();
    }
    try {
      Enumeration<URL> manifests = mainClass.getClassLoader().getResources("META-INF/MANIFEST.MF");
      while (manifests.hasMoreElements()) {
        try (InputStream in = manifests.nextElement().openStream()) {
          Attributes a = new Manifest(in).getMainAttributes();
          String commit = a.getValue(MANIFEST_COMMIT);
          if (mainClass.getName().equals(a.getValue(Attributes.Name.MAIN_CLASS))
              && commit != null
              && commit.matches("[0-9a-f]{7,64}")) {
            // built outside a git checkout, the entry is the unresolved "${git.commit.id}"
            return "true".equals(a.getValue(MANIFEST_DIRTY)) ? commit + "-dirty" : commit;
          }
        }
      }
    } catch (IOException e) {
      // fall through: a manifest that cannot be read carries no commit
    }
    return "unknown";
  }
}
