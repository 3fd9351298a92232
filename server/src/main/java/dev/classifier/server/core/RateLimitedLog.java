package dev.classifier.server.core;

import dev.classifier.server.text.ClientText;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * At most one WARN line per interval for an event clients can trigger at will (malformed messages,
 * ...), so a flood of bad calls cannot flood the log; each line says how many similar events were
 * suppressed since the last one.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong nextAllowed;
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger log, long interval, TimeUnit unit, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = unit.toNanos(interval);
    this.nanoClock = nanoClock;
    this.nextAllowed = new AtomicLong(nanoClock.getAsLong());
  }

  /** Logs {@code message} (one line, no stack trace) unless a line was logged too recently. */
  public boolean warn(String message) {
    long now = nanoClock.getAsLong();
    long next = nextAllowed.get();
    if (now - next < 0 || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    long skipped = suppressed.getAndSet(0);
    if (log.isWarnEnabled()) {
      log.warn(
          skipped == 0 ? "{}" : "{} ({} similar suppressed)",
          ClientText.cap(message, ClientText.MAX_DESCRIPTION),
          skipped);
    }
    return true;
  }
}
