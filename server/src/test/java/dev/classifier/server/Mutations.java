package dev.classifier.server;

import java.util.Arrays;
import java.util.Random;

/** Seeded random inputs and byte mutations shared by the fuzzers of both protocols. */
public final class Mutations {
  private Mutations() {}

  /**
   * A tensor shape of 0-5 dimensions, mostly small (negative and zero included), sometimes huge.
   */
  public static long[] randomShape(Random r) {
    long[] shape = new long[r.nextInt(6)];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = r.nextInt(10) == 0 ? r.nextLong() : r.nextInt(40) - 2;
    }
    return shape;
  }

  public static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** Bit flips, a truncation or an inserted run of random bytes. */
  public static byte[] mutate(Random r, byte[] in) {
    byte[] b = in.clone();
    if (b.length == 0) {
      return randomBytes(r, 8);
    }
    switch (r.nextInt(3)) {
      case 0 -> {
        for (int i = 0; i < 1 + r.nextInt(8); i++) {
          b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
      }
      case 1 -> {
        return Arrays.copyOf(b, r.nextInt(b.length));
      }
      default -> {
        int at = r.nextInt(b.length);
        byte[] run = randomBytes(r, 1 + r.nextInt(16));
        byte[] out = new byte[b.length + run.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(run, 0, out, at, run.length);
        System.arraycopy(b, at, out, at + run.length, b.length - at);
        return out;
      }
    }
  }
}
