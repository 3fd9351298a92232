package dev.classifier.client.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link Evaluation} as text for people and as JSON for tools. The text confusion matrix
 * is printed in full up to {@value #MAX_MATRIX_CLASSES} classes, else as the most frequent
 * confusions; JSON always has the full matrix up to {@value #MAX_JSON_MATRIX_CLASSES} classes and
 * the list of non-zero off-diagonal cells.
 */
public final class EvaluationReport {
  static final int MAX_MATRIX_CLASSES = 20;
  static final int MAX_JSON_MATRIX_CLASSES = 200;
  private static final int TOP_CONFUSIONS = 20;

  private EvaluationReport() {}

  public static String text(Evaluation e) {
    AccuracyResult a = e.accuracy();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "model:    %s v%s (%d classes)%n",
            e.model(),
            e.modelVersion(),
            a.classes()));
    b.append("data set: ").append(e.dataset()).append('\n');
    b.append("labels:   ").append(e.labelMatching()).append('\n');
    b.append("sent:     ").append(transport(e.options())).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "images:   %d evaluated, %d errors in %.2f s (%.1f images/s)%n",
            a.evaluated(),
            a.errors(),
            e.elapsedNanos() / 1e9,
            e.imagesPerSecond()));
    b.append(
        String.format(
            Locale.ROOT,
            "Top-1:    %.2f %% (%d/%d)%n",
            100 * a.top1(),
            a.top1Correct(),
            a.evaluated()));
    b.append(
        String.format(
            Locale.ROOT,
            "Top-5:    %.2f %% (%d/%d)%n",
            100 * a.top5(),
            a.top5Correct(),
            a.evaluated()));
    b.append('\n').append("per class:\n");
    b.append(
        String.format(
            Locale.ROOT,
            "  %5s  %-24s %7s %8s %8s%n",
            "class",
            "label",
            "images",
            "top-1",
            "top-5"));
    for (int c = 0; c < a.classes(); c++) {
      long n = a.support(c);
      if (n == 0 && a.classes() > MAX_MATRIX_CLASSES) {
        continue;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "  %5d  %-24s %7d %8s %8s%n",
              c,
              truncate(e.label(c), 24),
              n,
              n == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * a.confusion()[c][c] / n),
              n == 0
                  ? "-"
                  : String.format(Locale.ROOT, "%.2f%%", 100.0 * a.top5PerClass()[c] / n)));
    }
    b.append('\n');
    if (a.classes() <= MAX_MATRIX_CLASSES) {
      b.append("confusion matrix (rows: true class, columns: top-1 prediction):\n");
      b.append("       ");
      for (int p = 0; p < a.classes(); p++) {
        b.append(String.format(Locale.ROOT, "%6d", p));
      }
      b.append('\n');
      for (int t = 0; t < a.classes(); t++) {
        b.append(String.format(Locale.ROOT, "  %4d ", t));
        for (int p = 0; p < a.classes(); p++) {
          b.append(String.format(Locale.ROOT, "%6d", a.confusion()[t][p]));
        }
        b.append("  ").append(e.label(t)).append('\n');
      }
    } else {
      b.append("most frequent confusions (true -> predicted: images):\n");
      for (Map<String, Object> c : confusions(e, TOP_CONFUSIONS)) {
        b.append("  ")
            .append(c.get("true_label"))
            .append(" -> ")
            .append(c.get("predicted_label"))
            .append(": ")
            .append(c.get("count"))
            .append('\n');
      }
    }
    if (!e.errorSamples().isEmpty()) {
      b.append("\nfirst errors:\n");
      for (String s : e.errorSamples()) {
        b.append("  ").append(s).append('\n');
      }
    }
    return b.toString();
  }

  private static String transport(EvaluationOptions o) {
    String how =
        o.stream()
            ? "ClassifyStream (window " + o.window() + ")"
            : "unary Classify (batches of "
                + o.batchSize()
                + ", "
                + o.requestsInFlight()
                + " in flight)";
    return (o.send() == SendMode.TENSOR ? "client-side tensors" : "encoded images (server decodes)")
        + " over "
        + how;
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  /** The evaluation as a JSON-ready map (stable key order). */
  public static Map<String, Object> toMap(Evaluation e) {
    AccuracyResult a = e.accuracy();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", e.model());
    m.put("model_version", e.modelVersion());
    m.put("dataset", e.dataset());
    m.put("label_matching", e.labelMatching());
    m.put("send", e.options().send().name().toLowerCase(Locale.ROOT));
    m.put("transport", e.options().stream() ? "stream" : "unary");
    m.put("images", a.evaluated() + a.errors());
    m.put("evaluated", a.evaluated());
    m.put("errors", a.errors());
    m.put("top1_correct", a.top1Correct());
    m.put("top5_correct", a.top5Correct());
    m.put("top1", a.top1());
    m.put("top5", a.top5());
    m.put("elapsed_seconds", e.elapsedNanos() / 1e9);
    m.put("images_per_second", e.imagesPerSecond());
    List<Map<String, Object>> perClass = new ArrayList<>();
    for (int c = 0; c < a.classes(); c++) {
      long n = a.support(c);
      if (n == 0 && a.classes() > MAX_MATRIX_CLASSES) {
        continue;
      }
      Map<String, Object> pc = new LinkedHashMap<>();
      pc.put("class", c);
      pc.put("label", e.label(c));
      pc.put("images", n);
      pc.put("top1_correct", a.confusion()[c][c]);
      pc.put("top5_correct", a.top5PerClass()[c]);
      pc.put("top1", n == 0 ? null : (double) a.confusion()[c][c] / n);
      pc.put("top5", n == 0 ? null : (double) a.top5PerClass()[c] / n);
      perClass.add(pc);
    }
    m.put("per_class", perClass);
    if (a.classes() <= MAX_JSON_MATRIX_CLASSES) {
      m.put("confusion_matrix", a.confusion());
    }
    m.put("confusions", confusions(e, Integer.MAX_VALUE));
    m.put("error_samples", e.errorSamples());
    return m;
  }

  public static String json(Evaluation e) {
    try {
      return new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(toMap(e))
          + "\n";
    } catch (IOException ex) {
      throw new IllegalStateException("cannot render JSON", ex);
    }
  }

  /** Non-zero off-diagonal cells, most frequent first. */
  private static List<Map<String, Object>> confusions(Evaluation e, int limit) {
    long[][] cm = e.accuracy().confusion();
    List<long[]> cells = new ArrayList<>();
    for (int t = 0; t < cm.length; t++) {
      for (int p = 0; p < cm.length; p++) {
        if (t != p && cm[t][p] > 0) {
          cells.add(new long[] {t, p, cm[t][p]});
        }
      }
    }
    cells.sort(
        (x, y) ->
            Long.compare(y[2], x[2]) != 0 ? Long.compare(y[2], x[2]) : Long.compare(x[0], y[0]));
    List<Map<String, Object>> out = new ArrayList<>();
    for (long[] c : cells.subList(0, Math.min(limit, cells.size()))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("true_class", c[0]);
      m.put("true_label", e.label((int) c[0]));
      m.put("predicted_class", c[1]);
      m.put("predicted_label", e.label((int) c[1]));
      m.put("count", c[2]);
      out.add(m);
    }
    return out;
  }
}
