import ai.onnxruntime.*;
import java.nio.*;
import java.util.*;
import java.util.concurrent.*;

public class InputProbe {
  static volatile long burst; static volatile boolean memNoise;
  public static void main(String[] a) throws Exception {
    String model = a[0];
    int bs = Integer.parseInt(a[1]);
    double secs = Double.parseDouble(a[2]);
    String[] modes = a[3].split(",");
    int rounds = Integer.parseInt(a[4]);
    boolean daz = System.getProperty("daz") != null;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int nsess = Integer.getInteger("sessions", 2); int nthr = Integer.getInteger("threads", 1);
    OrtSession[] s = new OrtSession[nsess];
    for (int i = 0; i < nsess; i++) {
      OrtSession.SessionOptions so = new OrtSession.SessionOptions();
      so.setIntraOpNumThreads(nthr); if (nthr > 1) { so.addConfigEntry("session.intra_op.allow_spinning", "1"); if (System.getProperty("stop") != null) so.addConfigEntry("session.force_spinning_stop", "1"); }
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (daz) so.addConfigEntry("session.set_denormal_as_zero", "1");
      s[i] = env.createSession(model, so);
    }
    int extra = Integer.getInteger("extra", 0);
    for (int i = 0; i < extra; i++) {
      OrtSession.SessionOptions so = new OrtSession.SessionOptions();
      so.setIntraOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtSession e = env.createSession(model, so);
      FloatBuffer z = ByteBuffer.allocateDirect(3 * 224 * 224 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      run(env, e, e.getInputNames().iterator().next(), z, new long[] {1, 3, 224, 224});
    }
    boolean alternate = Boolean.getBoolean("alternate");
    ExecutorService[] alt = {Executors.newSingleThreadExecutor(), Executors.newSingleThreadExecutor()};
    int n = 8 * 3 * 224 * 224; boolean var = System.getProperty("var") != null;
    float[] mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
    int noiseThreads = Integer.getInteger("noiseThreads", 1);
    for (int t = 0; t < noiseThreads; t++) {
    Thread noise = new Thread(() -> {
      byte[] src = new byte[4 << 20], dst = new byte[4 << 20]; int off = 0; long sink = 0;
      while (true) {
        long b = burst;
        long t0 = System.nanoTime();
        if (b > 0) {
          while (System.nanoTime() - t0 < b) {
            if (memNoise) { System.arraycopy(src, off, dst, off, 65536); off = (off + 65536) % (4 << 20); }
            else { for (int i = 0; i < 1000; i++) sink += i * 31L ^ sink; }
          }
        }
        java.util.concurrent.locks.LockSupport.parkNanos(Math.max(1000, 1_000_000 - (System.nanoTime() - t0)));
        if (sink == 42) System.out.print("");
      }
    });
    noise.setDaemon(true); noise.start();
    }
    for (int r = 0; r < rounds; r++) {
      for (String mode0 : modes) {
        String[] mp = mode0.split(":"); String mode = mp[0]; burst = mp.length > 1 ? Long.parseLong(mp[1]) * 1000 : 0; memNoise = mp.length > 2 && mp[2].equals("mem");
        ExecutorService ex = Executors.newFixedThreadPool(nsess);
        List<Future<double[]>> fs = new ArrayList<>();
        for (int k = 0; k < nsess; k++) {
          final OrtSession sess = s[k];
          final int seed = k;
          fs.add(ex.submit(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
            FloatBuffer fb = buf.asFloatBuffer();
            Random rnd = new Random(seed);
            for (int i = 0; i < n; i++) {
              int c = (i / (224 * 224)) % 3;
              float v;
              switch (mode) {
                case "gauss": v = (float) rnd.nextGaussian(); break;
                case "u8": v = ((rnd.nextInt(256) / 255f) - mean[c]) / std[c]; break;
                case "zero": v = (0f - mean[c]) / std[c]; break;
                default: throw new IllegalArgumentException(mode);
              }
              fb.put(v);
            }
            fb.flip();
            long[] shape = {bs, 3, 224, 224};
            String in = sess.getInputNames().iterator().next();
            long end0 = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end0) run(env, sess, in, fb, shape);
            long t0 = System.nanoTime(), end = t0 + (long) (secs * 1e9); long imgs = 0; long now; long[] lat = new long[200000]; int nl = 0;
            do { long[] sh = shape; if (var) { sh = shape.clone(); sh[0] = 1 + rnd.nextInt(8); } long r0 = System.nanoTime(); if (alternate) { final long[] sh2 = sh; alt[(int) (imgs & 1)].submit(() -> { run(env, sess, in, fb, sh2); return null; }).get(); } else run(env, sess, in, fb, sh); imgs += sh[0]; now = System.nanoTime(); if (nl < lat.length) lat[nl++] = now - r0; } while (now < end);
            java.util.Arrays.sort(lat, 0, nl);
            return new double[] {imgs / ((now - t0) / 1e9), lat[nl / 2] / 1e6};
          }));
        }
        double tot = 0, p50 = 0; for (Future<double[]> f : fs) { double[] rr = f.get(); tot += rr[0]; p50 = rr[1]; }
        ex.shutdown();
        System.out.printf("round %d mode %-14s daz=%b bs=%d sessions=%d threads=%d: %.1f img/s, p50 %.3f ms%n", r, mode0, daz, bs, nsess, nthr, tot, p50);
      }
    }
    System.exit(0);
  }
  static void run(OrtEnvironment env, OrtSession s, String in, FloatBuffer fb, long[] shape) throws OrtException {
    fb.rewind(); fb.limit((int) (shape[0] * 3 * 224 * 224));
    try (OnnxTensor t = OnnxTensor.createTensor(env, fb, shape); OrtSession.Result r = s.run(Map.of(in, t))) { }
  }
}
