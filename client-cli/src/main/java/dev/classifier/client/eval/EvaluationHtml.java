package dev.classifier.client.eval;

import java.util.Locale;

/**
 * A self-contained HTML page of one evaluation: the figures, per-class accuracy, and the confusion
 * matrix as an inline SVG heat map (rows = true class, columns = top-1 prediction; each cell's
 * shade is its share of the row). No scripts, no external resources: it opens in any browser.
 */
public final class EvaluationHtml {
  /** Largest matrix drawn cell by cell; bigger ones are summarised by the per-class table only. */
  public static final int MAX_DRAWN_CLASSES = 100;

  private static final int CELL = 36;
  private static final int LABEL_WIDTH = 140;
  private static final int HEADER_HEIGHT = 140;

  private EvaluationHtml() {}

  public static String render(Evaluation e) {
    AccuracyResult a = e.accuracy();
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Evaluation: ")
        .append(esc(e.model()))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}")
        .append("th{border-bottom:1px solid #999}td:first-child,th:first-child{text-align:left}")
        .append("</style></head><body>\n");
    h.append("<h1>Evaluation of ")
        .append(esc(e.model()))
        .append(" v")
        .append(esc(e.modelVersion()))
        .append("</h1>\n<table>");
    row(h, "data set", esc(e.dataset()));
    row(h, "label matching", esc(e.labelMatching()));
    row(h, "images evaluated", Long.toString(a.evaluated()));
    row(h, "errors", Long.toString(a.errors()));
    row(h, "Top-1", pct(a.top1()) + " (" + a.top1Correct() + ")");
    row(h, "Top-5", pct(a.top5()) + " (" + a.top5Correct() + ")");
    row(h, "images/s", String.format(Locale.ROOT, "%.0f", e.imagesPerSecond()));
    h.append("</table>\n");

    if (a.classes() <= MAX_DRAWN_CLASSES) {
      h.append("<h2>Confusion matrix</h2>\n<p>Rows: true class. Columns: top-1 prediction.")
          .append(" Shade: share of the row (blue on the diagonal, red off it).</p>\n");
      matrix(h, e);
    }

    h.append("<h2>Per class</h2>\n<table><tr><th>class</th><th>images</th>")
        .append("<th>Top-1</th><th>Top-5</th></tr>\n");
    for (int c = 0; c < a.classes(); c++) {
      long n = a.support(c);
      if (n == 0) {
        continue;
      }
      h.append("<tr><td>")
          .append(esc(e.label(c)))
          .append("</td><td>")
          .append(n)
          .append("</td><td>")
          .append(pct((double) a.confusion()[c][c] / n))
          .append("</td><td>")
          .append(pct((double) a.top5PerClass()[c] / n))
          .append("</td></tr>\n");
    }
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  private static void matrix(StringBuilder h, Evaluation e) {
    long[][] cm = e.accuracy().confusion();
    int n = cm.length;
    int width = LABEL_WIDTH + n * CELL + 10;
    int height = HEADER_HEIGHT + n * CELL + 10;
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" font-size=\"11\" role=\"img\" aria-label=\"confusion matrix\">\n");
    for (int p = 0; p < n; p++) {
      int x = LABEL_WIDTH + p * CELL + CELL / 2;
      h.append("<text transform=\"translate(")
          .append(x)
          .append(',')
          .append(HEADER_HEIGHT - 6)
          .append(") rotate(-60)\">")
          .append(esc(e.label(p)))
          .append("</text>\n");
    }
    for (int t = 0; t < n; t++) {
      long support = e.accuracy().support(t);
      int y = HEADER_HEIGHT + t * CELL;
      h.append("<text x=\"")
          .append(LABEL_WIDTH - 6)
          .append("\" y=\"")
          .append(y + CELL / 2 + 4)
          .append("\" text-anchor=\"end\">")
          .append(esc(e.label(t)))
          .append("</text>\n");
      for (int p = 0; p < n; p++) {
        double share = support == 0 ? 0 : (double) cm[t][p] / support;
        int x = LABEL_WIDTH + p * CELL;
        h.append("<rect class=\"cell\" x=\"")
            .append(x)
            .append("\" y=\"")
            .append(y)
            .append("\" width=\"")
            .append(CELL - 1)
            .append("\" height=\"")
            .append(CELL - 1)
            .append("\" fill=\"")
            .append(shade(share, t == p))
            .append("\"><title>true ")
            .append(esc(e.label(t)))
            .append(", predicted ")
            .append(esc(e.label(p)))
            .append(": ")
            .append(cm[t][p])
            .append("</title></rect>");
        if (cm[t][p] > 0) {
          h.append("<text x=\"")
              .append(x + CELL / 2)
              .append("\" y=\"")
              .append(y + CELL / 2 + 4)
              .append("\" text-anchor=\"middle\" fill=\"")
              .append(share > 0.5 ? "#fff" : "#000")
              .append("\">")
              .append(cm[t][p])
              .append("</text>");
        }
        h.append('\n');
      }
    }
    h.append("</svg>\n");
  }

  /** Blue for the diagonal (correct), red off it; darker = larger share of the row. */
  private static String shade(double share, boolean diagonal) {
    int light = (int) Math.round(255 - share * 200);
    return diagonal
        ? String.format(Locale.ROOT, "rgb(%d,%d,255)", light, light)
        : String.format(Locale.ROOT, "rgb(255,%d,%d)", light, light);
  }

  private static void row(StringBuilder h, String key, String value) {
    h.append("<tr><td>").append(key).append("</td><td>").append(value).append("</td></tr>\n");
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f %%", v * 100);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
