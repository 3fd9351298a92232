package dev.classifier.loadtest.baseline;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The best in-process figure for a model: every combination of intra-op threads, batch size and
 * spinning (the server's rule, or ONNX Runtime's default: on and not stopped after a run), one
 * after the other, no server; a combination that builds the same session as one already measured is
 * skipped. Then, per batch size, {@code --side-by-side} one-thread sessions running at once, each
 * on its own thread (what the server's adaptive CPU width does under load), whose summed throughput
 * competes for best. Prints one line per combination and writes them with the best throughput and
 * the best single-image p50 as JSON, for {@code loadtest/bench/ceiling.sh}.
 *
 * <pre>
 * java -cp classifier-loadtest.jar dev.classifier.loadtest.baseline.InProcessSweep \
 *   --model-file models/bench/mobilenet_v2/model.onnx --threads 1,2 --batch-sizes 1,8 --out x.json
 * </pre>
 */
@Command(
    name = "inprocess-sweep",
    mixinStandardHelpOptions = true,
    description = "Best in-process ONNX Runtime figure over threads x batch sizes x spinning.")
public final class InProcessSweep implements Callable<Integer> {
  @Option(names = "--model-file", required = true, description = "ONNX model file.")
  Path modelFile;

  @Option(names = "--threads", split = ",", description = "Intra-op threads (default: 1,2).")
  List<Integer> threads = List.of(1, 2);

  @Option(names = "--batch-sizes", split = ",", description = "Batch sizes (default: 1,8).")
  List<Integer> batchSizes = List.of(1, 8);

  @Option(
      names = "--spinning",
      split = ",",
      description =
          "server (the server's rule for that thread count) and/or onnxruntime (its default, on)"
              + " (default: server,onnxruntime).")
  List<String> spinning = List.of("server", "onnxruntime");

  @Option(
      names = "--side-by-side",
      description =
          "One-thread sessions run at once per batch size, their img/s summed (default: 2;"
              + " 0 or 1 = none).")
  int sideBySide = 2;

  @Option(names = "--warmup-seconds", description = "Warm-up per combination (default: 1).")
  double warmupSeconds = 1;

  @Option(names = "--seconds", description = "Measuring time per combination (default: 5).")
  double seconds = 5;

  @Option(names = "--out", description = "JSON file to write.")
  Path out;

  private PrintStream console = System.out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new InProcessSweep()).execute(args));
  }

  /**
   * One measured combination.
   *
   * @param sessions sessions running at once (1, or {@link #sideBySide}), each with {@code threads}
   * @param result the batch size, the sessions' summed img/s and the first session's batch latency
   */
  record Point(
      int threads,
      int sessions,
      String spinning,
      boolean spinningOn,
      InProcessOnnx.Result result) {}

  @Override
  public Integer call() throws Exception {
    byte[] onnx = Files.readAllBytes(modelFile);
    List<Point> points = new ArrayList<>();
    Set<OrtThreading> measured = new HashSet<>();
    for (int t : threads) {
      for (String mode : spinning) {
        OrtThreading threading = threading(t, mode);
        if (!measured.add(threading)) {
          continue; // e.g. one thread: both modes are the same session (no workers to spin)
        }
        try (InProcessOnnx ort = new InProcessOnnx(onnx, threading)) {
          for (int b : batchSizes) {
            InProcessOnnx.Result r =
                ort.measure(b, duration(warmupSeconds), duration(seconds), "before");
            Point p = new Point(t, 1, mode, threading.intraOpSpinning(), r);
            points.add(p);
            console.printf(
                Locale.ROOT,
                "in-process threads %d spinning %s (%s) batch %d: %.1f img/s, batch p50 %.3f ms%n",
                t,
                mode,
                threading.intraOpSpinning() ? "on" : "off",
                b,
                r.imagesPerSecond(),
                r.batchLatency().p50Millis());
          }
        }
      }
    }
    if (sideBySide > 1) {
      OrtThreading one = threading(1, "server");
      for (int b : batchSizes) {
        InProcessOnnx.Result r = sideBySide(onnx, one, b);
        points.add(new Point(1, sideBySide, "server", false, r));
        console.printf(
            Locale.ROOT,
            "in-process %d one-thread sessions side by side, batch %d: %.1f img/s, batch p50 %.3f"
                + " ms%n",
            sideBySide,
            b,
            r.imagesPerSecond(),
            r.batchLatency().p50Millis());
      }
    }
    String json = toJson(points);
    if (out != null) {
      Files.writeString(out, json, StandardCharsets.UTF_8);
    }
    Point best = bestThroughput(points);
    Point fastest = bestSingleImage(points);
    console.printf(
        Locale.ROOT,
        "best in-process: %.1f img/s (%d session(s) of %d thread(s), batch %d, spinning %s);"
            + " single image p50 %s%n",
        best.result().imagesPerSecond(),
        best.sessions(),
        best.threads(),
        best.result().batchSize(),
        best.spinning(),
        fastest == null
            ? "n/a (no batch 1)"
            : String.format(
                Locale.ROOT,
                "%.3f ms (threads %d, spinning %s)",
                fastest.result().batchLatency().p50Millis(),
                fastest.threads(),
                fastest.spinning()));
    return 0;
  }

  /** {@link #sideBySide} sessions measured at once, each on a thread of its own; img/s summed. */
  private InProcessOnnx.Result sideBySide(byte[] onnx, OrtThreading threading, int batch)
      throws Exception {
    List<InProcessOnnx> sessions = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(sideBySide);
    try {
      for (int i = 0; i < sideBySide; i++) {
        sessions.add(new InProcessOnnx(onnx, threading));
      }
      List<Future<InProcessOnnx.Result>> running = new ArrayList<>();
      for (InProcessOnnx s : sessions) {
        running.add(
            pool.submit(
                () -> s.measure(batch, duration(warmupSeconds), duration(seconds), "before")));
      }
      // every measurement ends before any session closes (finally), even when one of them failed
      double total = 0;
      InProcessOnnx.Result first = null;
      ExecutionException failure = null;
      for (Future<InProcessOnnx.Result> f : running) {
        try {
          InProcessOnnx.Result r = f.get();
          total += r.imagesPerSecond();
          first = first == null ? r : first;
        } catch (ExecutionException e) {
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        throw failure;
      }
      return new InProcessOnnx.Result(batch, total, first.batchLatency(), first.pass());
    } finally {
      pool.shutdownNow();
      for (InProcessOnnx s : sessions) {
        s.close();
      }
    }
  }

  static OrtThreading threading(int threads, String mode) {
    return switch (mode) {
      case "server" -> OrtThreading.serverRule(threads, Runtime.getRuntime().availableProcessors());
      case "onnxruntime" -> OrtThreading.onnxRuntimeDefault(threads);
      default ->
          throw new CommandLine.ParameterException(
              new CommandLine(new InProcessSweep()),
              "--spinning must be server or onnxruntime, got '" + mode + "'");
    };
  }

  static Point bestThroughput(List<Point> points) {
    Point best = null;
    for (Point p : points) {
      if (best == null || p.result().imagesPerSecond() > best.result().imagesPerSecond()) {
        best = p;
      }
    }
    return best;
  }

  /** Lowest p50 of a batch of one on one session alone, or null if no batch size was 1. */
  static Point bestSingleImage(List<Point> points) {
    Point best = null;
    for (Point p : points) {
      if (p.result().batchSize() == 1
          && p.sessions() == 1
          && (best == null
              || p.result().batchLatency().p50Millis()
                  < best.result().batchLatency().p50Millis())) {
        best = p;
      }
    }
    return best;
  }

  static String toJson(List<Point> points) {
    StringBuilder sb = new StringBuilder("{\"points\": [");
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      sb.append(i == 0 ? "\n  " : ",\n  ").append(pointJson(p));
    }
    sb.append("\n]");
    Point best = bestThroughput(points);
    if (best != null) {
      sb.append(",\n\"best\": ").append(pointJson(best));
    }
    Point fastest = bestSingleImage(points);
    if (fastest != null) {
      sb.append(",\n\"fastestSingleImage\": ").append(pointJson(fastest));
    }
    return sb.append("\n}\n").toString();
  }

  private static String pointJson(Point p) {
    return String.format(
        Locale.ROOT,
        "{\"threads\": %d, \"sessions\": %d, \"spinning\": \"%s\", \"spinningOn\": %b,"
            + " \"batchSize\": %d, \"imagesPerSecond\": %.3f, \"batchP50Millis\": %.4f}",
        p.threads(),
        p.sessions(),
        p.spinning(),
        p.spinningOn(),
        p.result().batchSize(),
        p.result().imagesPerSecond(),
        p.result().batchLatency().p50Millis());
  }

  private static Duration duration(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }

  /** For tests: where the per-combination lines go. */
  void console(PrintStream stream) {
    this.console = stream;
  }
}
