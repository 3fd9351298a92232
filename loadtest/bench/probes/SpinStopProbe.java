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
 * Single-image runs of a 2-thread session with spinning on, with and without
 * session.force_spinning_stop (the server's setting), each after an idle gap of 0, 0.1, 0.5 or 2 ms
 * (at concurrency 1 the server's run follows such a gap); prints the p50 and p90 of the run per
 * gap. The gaps alternate within each round, so the machine's drift falls on all of them alike.
 *
 * <pre>
 * for stop in 1 0 1 0; do
 *   java -Dstop=$stop -cp loadtest/target-lt/classifier-loadtest.jar \
 *       loadtest/bench/probes/SpinStopProbe.java models/bench/mobilenet_v2/model.onnx 1000
 * done
 * </pre>
 *
 * The model's input is taken as 1 x 3 x 224 x 224 float (the torchvision bench models).
 */
public class SpinStopProbe {
  public static void main(String[] a) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setIntraOpNumThreads(Integer.getInteger("threads", 2));
    o.setInterOpNumThreads(1);
    o.addConfigEntry("session.intra_op.allow_spinning", System.getProperty("spin", "1"));
    o.addConfigEntry("session.inter_op.allow_spinning", "0");
    if (!"0".equals(System.getProperty("stop", "1"))) o.addConfigEntry("session.force_spinning_stop", "1");
    OrtSession s = env.createSession(a[0], o);
    int rounds = Integer.parseInt(a[1]);
    FloatBuffer in = ByteBuffer.allocateDirect(3 * 224 * 224 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Random r = new Random(1);
    for (int i = 0; i < in.capacity(); i++) in.put(i, r.nextFloat());
    OnnxTensor t = OnnxTensor.createTensor(env, in, new long[] {1, 3, 224, 224});
    String name = s.getInputNames().iterator().next();
    Map<String, OnnxTensor> m = Map.of(name, t);
    long[] gaps = {0, 100_000, 500_000, 2_000_000};
    for (int i = 0; i < 300; i++) s.run(m).close();
    long[][] times = new long[gaps.length][rounds];
    for (int k = 0; k < rounds; k++) {
      for (int g = 0; g < gaps.length; g++) {
        if (gaps[g] > 0) LockSupport.parkNanos(gaps[g]);
        long t0 = System.nanoTime();
        s.run(m).close();
        times[g][k] = System.nanoTime() - t0;
      }
    }
    for (int g = 0; g < gaps.length; g++) {
      long[] x = times[g].clone(); Arrays.sort(x);
      System.out.printf("stop=%s gap %.1f ms: p50 %.3f ms p90 %.3f ms%n", System.getProperty("stop", "1"),
          gaps[g] / 1e6, x[rounds / 2] / 1e6, x[rounds * 9 / 10] / 1e6);
    }
  }
}
