package dev.classifier.batching;

/**
 * Monotonic time source in nanoseconds, injectable so tests can use a fake clock (as in Caffeine).
 * Values are only meaningful relative to each other, like {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {
  /** Current monotonic time in nanoseconds. */
  long nanoTime();

  /** The system monotonic clock ({@link System#nanoTime()}). */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** The one stateless system ticker (an enum constant, not a mutable singleton). */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
