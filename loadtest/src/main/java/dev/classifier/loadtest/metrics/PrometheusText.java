package dev.classifier.loadtest.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tolerant parser of the Prometheus text format (0.0.4): {@code # TYPE} lines give family types,
 * other comments and malformed lines are skipped, label values may hold escaped quotes, values may
 * be {@code +Inf}, {@code -Inf} or {@code NaN}, and an optional timestamp is ignored.
 */
public final class PrometheusText {
  private PrometheusText() {}

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A parsed exposition. */
  public record Exposition(List<Sample> samples, Map<String, String> types) {
    /** Sum of the samples called {@code name} whose labels include all of {@code match}. */
    public double sum(String name, Map<String, String> match) {
      List<Sample> found = find(name, match);
      return found.isEmpty() ? Double.NaN : found.stream().mapToDouble(Sample::value).sum();
    }

    /** The samples called {@code name} matching {@code match}. */
    public List<Sample> find(String name, Map<String, String> match) {
      List<Sample> out = new ArrayList<>();
      for (Sample s : samples) {
        if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet())) {
          out.add(s);
        }
      }
      return out;
    }
  }

  public static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.substring(1).strip().split("\\s+");
        if (parts.length >= 3 && parts[0].equals("TYPE")) {
          types.put(parts[1], parts[2]);
        }
        continue;
      }
      Sample s = parseSample(line);
      if (s != null) {
        samples.add(s);
      }
    }
    return new Exposition(
        Collections.unmodifiableList(samples), Collections.unmodifiableMap(types));
  }

  /** Null for a line that is not a valid sample. */
  static Sample parseSample(String line) {
    int i = 0;
    int n = line.length();
    while (i < n && isNameChar(line.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return null;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < n && line.charAt(i) == '{') {
      i++;
      while (true) {
        while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
          i++;
        }
        if (i >= n) {
          return null;
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int ks = i;
        while (i < n && isNameChar(line.charAt(i))) {
          i++;
        }
        String key = line.substring(ks, i);
        while (i < n && line.charAt(i) == ' ') {
          i++;
        }
        if (key.isEmpty() || i + 1 >= n || line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
          return null;
        }
        i += 2;
        StringBuilder v = new StringBuilder();
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i++);
          if (c == '\\' && i < n) {
            char e = line.charAt(i++);
            v.append(e == 'n' ? '\n' : e);
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            v.append(c);
          }
        }
        if (!closed) {
          return null;
        }
        labels.put(key, v.toString());
      }
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (rest.length == 0 || rest[0].isEmpty()) {
      return null;
    }
    Double value = parseValue(rest[0]);
    return value == null ? null : new Sample(name, Collections.unmodifiableMap(labels), value);
  }

  private static Double parseValue(String s) {
    switch (s) {
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "NaN" -> {
        return Double.NaN;
      }
      default -> {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }
}
