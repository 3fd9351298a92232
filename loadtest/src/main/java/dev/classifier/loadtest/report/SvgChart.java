package dev.classifier.loadtest.report;

import java.util.List;
import java.util.Locale;

/** Inline SVG line and bar charts: plain elements, no scripts, sized for a report page. */
public final class SvgChart {
  static final int W = 640;
  static final int H = 340;
  static final int LEFT = 70;
  static final int RIGHT = 150;
  static final int TOP = 36;
  static final int BOTTOM = 50;
  static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  /** A named series of points. */
  public record Series(String name, double[] x, double[] y) {}

  private SvgChart() {}

  /** A line chart with markers and a legend on the right; empty series are skipped. */
  public static String line(String title, String xLabel, String yLabel, List<Series> series) {
    double maxX = 0;
    double maxY = 0;
    for (Series s : series) {
      for (double v : s.x()) {
        maxX = Math.max(maxX, v);
      }
      for (double v : s.y()) {
        maxY = Math.max(maxY, v);
      }
    }
    double xTop = nice(maxX);
    double yTop = nice(maxY);
    StringBuilder sb = open(title);
    axes(sb, xLabel, yLabel, xTop, yTop);
    int c = 0;
    for (Series s : series) {
      if (s.x().length == 0) {
        continue;
      }
      String color = COLORS[c % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        double px = px(s.x()[i], xTop);
        double py = py(s.y()[i], yTop);
        pts.append(f(px)).append(',').append(f(py)).append(' ');
        sb.append("<circle cx=\"")
            .append(f(px))
            .append("\" cy=\"")
            .append(f(py))
            .append("\" r=\"3\" fill=\"")
            .append(color)
            .append("\"><title>")
            .append(esc(s.name()))
            .append(": ")
            .append(f(s.x()[i]))
            .append(", ")
            .append(f(s.y()[i]))
            .append("</title></circle>\n");
      }
      sb.append("<polyline fill=\"none\" stroke=\"")
          .append(color)
          .append("\" stroke-width=\"2\" points=\"")
          .append(pts.toString().strip())
          .append("\"/>\n");
      legend(sb, c, s.name(), color);
      c++;
    }
    if (c == 0) {
      noData(sb);
    }
    return sb.append("</svg>\n").toString();
  }

  /** A bar chart with one bar per label. */
  public static String bars(
      String title, String xLabel, String yLabel, List<String> labels, double[] values) {
    double maxY = 0;
    for (double v : values) {
      maxY = Math.max(maxY, v);
    }
    double yTop = nice(maxY);
    StringBuilder sb = open(title);
    axes(sb, xLabel, yLabel, 0, yTop);
    int n = Math.max(1, values.length);
    double slot = (double) (W - LEFT - RIGHT) / n;
    int every = Math.max(1, n / 8);
    for (int i = 0; i < values.length; i++) {
      double x = LEFT + i * slot;
      double y = py(values[i], yTop);
      sb.append("<rect x=\"")
          .append(f(x + 1))
          .append("\" y=\"")
          .append(f(y))
          .append("\" width=\"")
          .append(f(Math.max(1, slot - 2)))
          .append("\" height=\"")
          .append(f(H - BOTTOM - y))
          .append("\" fill=\"")
          .append(COLORS[0])
          .append("\"><title>")
          .append(esc(labels.get(i)))
          .append(": ")
          .append(f(values[i]))
          .append("</title></rect>\n");
      if (i % every == 0) {
        sb.append("<text x=\"")
            .append(f(x + slot / 2))
            .append("\" y=\"")
            .append(H - BOTTOM + 14)
            .append("\" font-size=\"9\" text-anchor=\"middle\">")
            .append(esc(labels.get(i)))
            .append("</text>\n");
      }
    }
    if (values.length == 0) {
      noData(sb);
    }
    return sb.append("</svg>\n").toString();
  }

  private static StringBuilder open(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(W)
        .append("\" height=\"")
        .append(H)
        .append("\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
        .append("<text x=\"")
        .append(W / 2)
        .append("\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
        .append(esc(title))
        .append("</text>\n");
    return sb;
  }

  private static void noData(StringBuilder sb) {
    sb.append("<text x=\"")
        .append(W / 2)
        .append("\" y=\"")
        .append(H / 2)
        .append(
            "\" text-anchor=\"middle\" fill=\"#888\">no data for this chart in this run</text>\n");
  }

  private static void axes(
      StringBuilder sb, String xLabel, String yLabel, double xTop, double yTop) {
    int x0 = LEFT;
    int x1 = W - RIGHT;
    int y0 = H - BOTTOM;
    int y1 = TOP;
    for (int i = 0; i <= 5; i++) {
      double y = y0 - (y0 - y1) * i / 5.0;
      sb.append("<line x1=\"")
          .append(x0)
          .append("\" x2=\"")
          .append(x1)
          .append("\" y1=\"")
          .append(f(y))
          .append("\" y2=\"")
          .append(f(y))
          .append("\" stroke=\"#e5e5e5\"/>\n");
      sb.append("<text x=\"")
          .append(x0 - 6)
          .append("\" y=\"")
          .append(f(y + 4))
          .append("\" text-anchor=\"end\">")
          .append(tick(yTop * i / 5))
          .append("</text>\n");
      if (xTop > 0) {
        double x = x0 + (x1 - x0) * i / 5.0;
        sb.append("<text x=\"")
            .append(f(x))
            .append("\" y=\"")
            .append(y0 + 16)
            .append("\" text-anchor=\"middle\">")
            .append(tick(xTop * i / 5))
            .append("</text>\n");
      }
    }
    sb.append("<line x1=\"")
        .append(x0)
        .append("\" y1=\"")
        .append(y0)
        .append("\" x2=\"")
        .append(x1)
        .append("\" y2=\"")
        .append(y0)
        .append("\" stroke=\"black\"/>\n");
    sb.append("<line x1=\"")
        .append(x0)
        .append("\" y1=\"")
        .append(y0)
        .append("\" x2=\"")
        .append(x0)
        .append("\" y2=\"")
        .append(y1)
        .append("\" stroke=\"black\"/>\n");
    sb.append("<text x=\"")
        .append((x0 + x1) / 2)
        .append("\" y=\"")
        .append(H - 10)
        .append("\" text-anchor=\"middle\">")
        .append(esc(xLabel))
        .append("</text>\n");
    sb.append("<text transform=\"translate(16,")
        .append((y0 + y1) / 2)
        .append(") rotate(-90)\" text-anchor=\"middle\">")
        .append(esc(yLabel))
        .append("</text>\n");
  }

  private static void legend(StringBuilder sb, int i, String name, String color) {
    int y = TOP + 10 + i * 18;
    int x = W - RIGHT + 12;
    sb.append("<rect x=\"")
        .append(x)
        .append("\" y=\"")
        .append(y - 8)
        .append("\" width=\"12\" height=\"8\" fill=\"")
        .append(color)
        .append("\"/>\n");
    sb.append("<text x=\"")
        .append(x + 16)
        .append("\" y=\"")
        .append(y)
        .append("\">")
        .append(esc(name.length() > 22 ? name.substring(0, 21) + "…" : name))
        .append("</text>\n");
  }

  private static double px(double x, double xTop) {
    return LEFT + (W - LEFT - RIGHT) * (xTop == 0 ? 0 : x / xTop);
  }

  private static double py(double y, double yTop) {
    return (H - BOTTOM) - (H - BOTTOM - TOP) * (yTop == 0 ? 0 : y / yTop);
  }

  /** The smallest 1, 2, 2.5 or 5 times a power of ten at or above {@code v}. */
  static double nice(double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String tick(double v) {
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }
    if (v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  static String f(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
