import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * What the server's shape under load (two one-thread sessions side by side) reaches in-process when
 * other threads take a share of the machine, as gRPC, the load generator and the JIT do in the
 * server: an interfering thread copies memory (64 KiB blocks over a 4 MiB buffer, so it also takes
 * cache) for a given number of microseconds of every millisecond. Prints img/s per interference
 * level, rounds alternating so the machine's drift hits every level alike.
 *
 * <pre>
 * java -cp loadtest/target-lt/classifier-loadtest.jar \
 *     loadtest/bench/probes/InterferenceProbe.java MODEL.onnx BATCH SECONDS ROUNDS US[,US...]
 * </pre>
 *
 * {@code US} is the interferer's busy microseconds per millisecond: 240 is 24 % of one core, 12 %
 * of a 2-core machine. Input: BATCH x 3 x 224 x 224 float, uniform uint8 pixels normalised with
 * the ImageNet mean and std (what the server feeds the model for the load tester's images).
 */
public class InterferenceProbe {
  static volatile long busyNanos;

  public static void main(String[] a) throws Exception {
    String model = a[0];
    int batch = Integer.parseInt(a[1]);
    double seconds = Double.parseDouble(a[2]);
    int rounds = Integer.parseInt(a[3]);
    String[] levels = a[4].split(",");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession[] sessions = new OrtSession[2];
    for (int i = 0; i < sessions.length; i++) {
      try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
        so.setIntraOpNumThreads(1);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        sessions[i] = env.createSession(model, so);
      }
    }
    Thread noise = new Thread(InterferenceProbe::interfere, "interferer");
    noise.setDaemon(true);
    noise.start();
    ExecutorService pool = Executors.newFixedThreadPool(sessions.length);
    for (int r = 0; r < rounds; r++) {
      for (String level : levels) {
        busyNanos = Long.parseLong(level) * 1_000L;
        List<Future<Double>> parts = new ArrayList<>();
        for (int k = 0; k < sessions.length; k++) {
          OrtSession s = sessions[k];
          long seed = k;
          parts.add(pool.submit(() -> imagesPerSecond(env, s, batch, seconds, seed)));
        }
        double total = 0;
        for (Future<Double> f : parts) {
          total += f.get();
        }
        System.out.printf(
            "round %d interferer %4s us/ms: two 1-thread sessions, batch %d: %.1f img/s%n",
            r, level, batch, total);
      }
    }
    System.exit(0);
  }

  private static double imagesPerSecond(
      OrtEnvironment env, OrtSession s, int batch, double seconds, long seed) throws OrtException {
    int perImage = 3 * 224 * 224;
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    FloatBuffer in =
        ByteBuffer.allocateDirect(batch * perImage * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Random random = new Random(seed);
    for (int i = 0; i < batch * perImage; i++) {
      int c = (i % perImage) / (224 * 224);
      in.put(((random.nextInt(256) / 255f) - mean[c]) / std[c]);
    }
    long[] shape = {batch, 3, 224, 224};
    String name = s.getInputNames().iterator().next();
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      run(env, s, name, in, shape);
    }
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long images = 0;
    long now;
    do {
      run(env, s, name, in, shape);
      images += batch;
      now = System.nanoTime();
    } while (now < end);
    return images / ((now - start) / 1e9);
  }

  private static void run(
      OrtEnvironment env, OrtSession s, String name, FloatBuffer in, long[] shape)
      throws OrtException {
    in.rewind();
    try (OnnxTensor t = OnnxTensor.createTensor(env, in, shape);
        OrtSession.Result ignored = s.run(Map.of(name, t))) {
      // scores unused
    }
  }

  private static void interfere() {
    int size = 4 << 20;
    int block = 64 << 10;
    byte[] from = new byte[size];
    byte[] to = new byte[size];
    int offset = 0;
    while (true) {
      long busy = busyNanos;
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < busy) {
        System.arraycopy(from, offset, to, offset, block);
        offset = (offset + block) % size;
      }
      LockSupport.parkNanos(Math.max(1_000L, 1_000_000L - (System.nanoTime() - t0)));
    }
  }
}
