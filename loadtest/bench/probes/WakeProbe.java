import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * What one thread hand-off costs on this machine: the time from unparking a parked thread to that
 * thread running, after 0, 300 and 3,000 µs of idling. {@code java loadtest/bench/probes/WakeProbe.java}
 */
public class WakeProbe {
  static volatile long sent;
  static volatile long got;
  static volatile Thread main;

  public static void main(String[] a) {
    long[] d = new long[2000];
    Thread t =
        new Thread(
            () -> {
              long seen = 0;
              while (true) {
                while (sent == seen) {
                  LockSupport.park();
                }
                seen = sent;
                got = System.nanoTime() - sent;
                LockSupport.unpark(main);
              }
            });
    t.setDaemon(true);
    t.start();
    main = Thread.currentThread();
    for (int gapUs : new int[] {0, 300, 3000}) {
      for (int i = 0; i < d.length; i++) {
        long until = System.nanoTime() + gapUs * 1000L;
        while (System.nanoTime() < until) {
          LockSupport.parkNanos(until - System.nanoTime());
        }
        got = 0;
        sent = System.nanoTime();
        LockSupport.unpark(t);
        while (got == 0) {
          LockSupport.park();
        }
        d[i] = got;
      }
      Arrays.sort(d);
      System.out.printf(
          "after %d us idle: one-way hand-off p50 %.1f us, p90 %.1f us%n",
          gapUs, d[1000] / 1e3, d[1800] / 1e3);
    }
  }
}
