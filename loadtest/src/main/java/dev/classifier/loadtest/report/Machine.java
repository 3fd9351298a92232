package dev.classifier.loadtest.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a run was measured on, as far as the load generator's JVM can see it: the CPU model
 * and online cores from {@code /proc/cpuinfo}, the 1/5/15-minute load averages from {@code
 * /proc/loadavg} when the run started (a busy neighbour shows there), the OS and the JVM. On a
 * system without {@code /proc} the CPU model is {@code os.arch} and the load averages are empty.
 *
 * @param cpuModel e.g. "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"
 * @param cores processors available to this JVM
 * @param loadAverage 1, 5 and 15-minute load averages, or empty if unknown
 * @param os name, version and architecture
 * @param jvm vendor and version
 */
public record Machine(String cpuModel, int cores, List<Double> loadAverage, String os, String jvm) {
  public Machine {
    loadAverage = List.copyOf(loadAverage);
  }

  /** This machine, read from {@code procRoot} (normally {@code /proc}). */
  public static Machine probe(Path procRoot) {
    return new Machine(
        cpuModel(read(procRoot.resolve("cpuinfo"))),
        Runtime.getRuntime().availableProcessors(),
        loadAverage(read(procRoot.resolve("loadavg"))),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version"));
  }

  /**
   * The first "model name" of a cpuinfo text (x86); else "CPU part"/"Hardware" lines; else os.arch.
   */
  static String cpuModel(String cpuinfo) {
    for (String key : new String[] {"model name", "Hardware", "CPU part"}) {
      for (String line : cpuinfo.split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
          String v = line.substring(colon + 1).strip();
          if (!v.isEmpty()) {
            return key.equals("model name") ? v : key + " " + v;
          }
        }
      }
    }
    return System.getProperty("os.arch");
  }

  /** The three load averages of a loadavg text ("0.52 0.58 0.59 1/467 12345"), or empty. */
  static List<Double> loadAverage(String loadavg) {
    String[] f = loadavg.strip().split("\\s+");
    if (f.length < 3) {
      return List.of();
    }
    try {
      return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
    } catch (NumberFormatException e) {
      return List.of();
    }
  }

  /** One line for the report's environment table. */
  public String describe() {
    String load =
        loadAverage.isEmpty()
            ? "unknown"
            : String.format(
                Locale.ROOT,
                "%.2f %.2f %.2f",
                loadAverage.get(0),
                loadAverage.get(1),
                loadAverage.get(2));
    return cpuModel
        + ", "
        + cores
        + " cores, load average "
        + load
        + " at the start; "
        + os
        + "; JVM "
        + jvm;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
