import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * How much a 2-thread ONNX Runtime run slows down when another thread takes a slice of a core:
 * an interfering thread burns 0, 100 and 200 µs of every millisecond (0 / 10 / 20 % of one core)
 * while a batch runs back to back; prints the median run time for each.
 *
 * <pre>
 * java [-Ddbb=4] -cp loadtest/target-lt/classifier-loadtest.jar \
 *     loadtest/bench/probes/NoiseProbe.java MODEL.onnx BATCH RUNS
 * </pre>
 *
 * {@code -Ddbb} sets {@code session.dynamic_block_base}.
 */
public class NoiseProbe {
  static volatile long burstNanos;

  public static void main(String[] a) throws Exception {
    int bs = Integer.parseInt(a[1]);
    int runs = Integer.parseInt(a[2]);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setIntraOpNumThreads(2);
    so.addConfigEntry("session.intra_op.allow_spinning", "1");
    so.addConfigEntry("session.force_spinning_stop", "1");
    if (System.getProperty("dbb") != null) {
      so.addConfigEntry("session.dynamic_block_base", System.getProperty("dbb"));
    }
    OrtSession s = env.createSession(a[0], so);
    String in = s.getInputNames().iterator().next();
    FloatBuffer buf =
        ByteBuffer.allocateDirect(bs * 4 * 3 * 224 * 224)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    Random r = new Random(1);
    for (int i = 0; i < buf.capacity(); i++) {
      buf.put(i, (float) r.nextGaussian());
    }
    OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {bs, 3, 224, 224});
    Thread noise =
        new Thread(
            () -> {
              long x = 0;
              while (true) {
                long b = burstNanos;
                long end = System.nanoTime() + b;
                while (System.nanoTime() < end) {
                  x += end ^ x;
                }
                LockSupport.parkNanos(1_000_000 - b);
                if (x == 42) {
                  System.out.print("");
                }
              }
            });
    noise.setDaemon(true);
    noise.start();
    for (int i = 0; i < 20; i++) {
      s.run(Map.of(in, t)).close();
    }
    for (long b : new long[] {0, 100_000, 200_000, 0}) {
      burstNanos = b;
      long[] d = new long[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        s.run(Map.of(in, t)).close();
        d[i] = System.nanoTime() - t0;
      }
      Arrays.sort(d);
      System.out.printf(
          "interference %3d us per ms: run p50 %.3f ms, p90 %.3f ms%n",
          b / 1000, d[runs / 2] / 1e6, d[runs * 9 / 10] / 1e6);
    }
  }
}
