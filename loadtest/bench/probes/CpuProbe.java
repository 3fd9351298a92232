import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * In-process ONNX Runtime, runs back to back for a while on a thread other than the session's
 * creator (as in the server), with the server's threading keys; prints img/s and, per thread of
 * this JVM, its share of the machine's CPU and its involuntary context switches per second.
 *
 * <pre>
 * java [-Dspin=0] [-Dpinned=1] -cp loadtest/target-lt/classifier-loadtest.jar \
 *     loadtest/bench/probes/CpuProbe.java MODEL.onnx THREADS BATCH SECONDS
 * </pre>
 *
 * The model's input is taken as BATCH x 3 x 224 x 224 float (the torchvision bench models).
 */
public class CpuProbe {
  public static void main(String[] a) throws Exception {
    String model = a[0];
    int threads = Integer.parseInt(a[1]);
    int bs = Integer.parseInt(a[2]);
    double secs = Double.parseDouble(a[3]);
    boolean pinned = System.getProperty("pinned") != null;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setIntraOpNumThreads(threads);
    so.setInterOpNumThreads(1);
    so.addConfigEntry("session.intra_op.allow_spinning", System.getProperty("spin", "1"));
    so.addConfigEntry("session.inter_op.allow_spinning", "0");
    so.addConfigEntry("session.force_spinning_stop", "1");
    OrtSession s = env.createSession(model, so);
    String in = s.getInputNames().iterator().next();
    String outName = s.getOutputNames().iterator().next();
    FloatBuffer buf =
        ByteBuffer.allocateDirect(bs * 4 * 3 * 224 * 224)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    Random r = new Random(1);
    for (int i = 0; i < buf.capacity(); i++) {
      buf.put(i, (float) r.nextGaussian());
    }
    OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {bs, 3, 224, 224});
    FloatBuffer outBuf =
        ByteBuffer.allocateDirect(bs * 4 * 1000).order(ByteOrder.nativeOrder()).asFloatBuffer();
    OnnxTensor out = OnnxTensor.createTensor(env, outBuf, new long[] {bs, 1000});
    OrtSession.RunOptions ro = new OrtSession.RunOptions();
    Map<String, OnnxTensor> inMap = new HashMap<>(Map.of(in, t));
    Map<String, OnnxTensor> outMap = new HashMap<>(Map.of(outName, out));
    Thread worker =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 5; i++) {
                  s.run(inMap).close();
                }
                Map<String, long[]> c0 = perThread();
                long t0 = System.nanoTime();
                int n = 0;
                while (System.nanoTime() - t0 < secs * 1e9) {
                  if (pinned) {
                    s.run(inMap, Set.of(), outMap, ro).close();
                  } else {
                    s.run(inMap).close();
                  }
                  n++;
                }
                double el = (System.nanoTime() - t0) / 1e9;
                Map<String, long[]> c1 = perThread();
                System.out.printf(
                    "%s threads %d batch %d spin %s pinned %s: %.1f img/s%n",
                    Paths.get(model).getParent().getFileName(),
                    threads,
                    bs,
                    System.getProperty("spin", "1"),
                    pinned,
                    n * bs / el);
                int cpus = Runtime.getRuntime().availableProcessors();
                c1.forEach(
                    (k, v) -> {
                      long[] b = c0.getOrDefault(k, new long[2]);
                      double pct = (v[0] - b[0]) / el / cpus; // ticks are 1/100 s
                      if (pct > 0.5) {
                        System.out.printf(
                            "   %5.1f %% of the machine, %4.0f involuntary switches/s  %s%n",
                            pct, (v[1] - b[1]) / el, k);
                      }
                    });
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            },
            "model-worker-0");
    worker.start();
    worker.join();
  }

  /** Thread id:name -> {utime+stime ticks, nonvoluntary context switches}. */
  static Map<String, long[]> perThread() throws Exception {
    Map<String, long[]> m = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
      for (Path p : ds) {
        String comm = Files.readString(p.resolve("comm")).trim();
        String st = Files.readString(p.resolve("stat"));
        String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
        long switches = 0;
        for (String l : Files.readAllLines(p.resolve("status"))) {
          if (l.startsWith("nonvoluntary_ctxt_switches")) {
            switches = Long.parseLong(l.split("\\s+")[1]);
          }
        }
        m.put(
            p.getFileName() + ":" + comm,
            new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), switches});
      }
    }
    return m;
  }
}
