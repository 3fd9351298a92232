package dev.classifier.server.engine;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one model, one per device, shared by that device's instances (ONNX Runtime
 * sessions are safe for concurrent {@code run} calls), plus, on an adaptive CPU device, each
 * instance's narrow session under {@link #narrowKey}. Reference-counted: the pool holds one
 * reference, each {@link Lease} another, and a session is closed exactly once, when the last of
 * them is released. So a session is never closed under a run still in progress.
 */
public final class SessionPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionPool.class);

  private final Map<String, Counted> byDevice = new LinkedHashMap<>();
  private boolean closed;

  /**
   * The key of instance {@code index}'s narrow session on adaptive device {@code device} (a key no
   * device id can take: device ids have no '#').
   */
  public static String narrowKey(String device, int index) {
    return device + "#narrow" + index;
  }

  /** Takes ownership of {@code sessions} (device id or {@link #narrowKey} to session). */
  public SessionPool(Map<String, OrtSession> sessions) {
    sessions.forEach((device, session) -> byDevice.put(device, new Counted(device, session)));
  }

  /**
   * Takes ownership of one more session under {@code key} (an adaptive device's narrow session,
   * added once warm-up has decided that the device adapts).
   */
  public synchronized void add(String key, OrtSession session) {
    if (closed) {
      throw new IllegalStateException("the model's sessions are closed");
    }
    if (byDevice.containsKey(key)) {
      throw new IllegalArgumentException("the pool already holds a session under " + key);
    }
    byDevice.put(key, new Counted(key, session));
  }

  /** A session of this pool for reading metadata (no reference taken; valid while the pool is). */
  public synchronized OrtSession any() {
    return byDevice.values().iterator().next().session;
  }

  /** A reference to {@code device}'s session, valid until the lease is closed. */
  public synchronized Lease acquire(String device) {
    if (closed) {
      throw new IllegalStateException("the model's sessions are closed");
    }
    Counted c = byDevice.get(device);
    if (c == null) {
      throw new IllegalStateException("no session for device " + device);
    }
    c.refs++;
    return new Lease(c);
  }

  /** Times {@code device}'s session has been closed (0 or 1; tests). */
  synchronized int closeCount(String device) {
    return byDevice.get(device).closes;
  }

  /** Drops the pool's own references; sessions still leased close when their last lease does. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Counted c : byDevice.values()) {
      release(c);
    }
  }

  private void release(Counted c) {
    boolean last;
    synchronized (this) {
      last = --c.refs == 0;
      if (last) {
        c.closes++;
      }
    }
    if (last) {
      try {
        c.session.close();
      } catch (OrtException | RuntimeException e) {
        LOG.warn("closing the session on {} failed", c.device, e);
      }
    }
  }

  /** One device's session and its reference count (the pool's own included); guarded by pool. */
  private static final class Counted {
    final String device;
    final OrtSession session;
    int refs = 1;
    int closes;

    Counted(String device, OrtSession session) {
      this.device = device;
      this.session = Objects.requireNonNull(session, "session");
    }
  }

  /** A held reference to one device's session; closing it twice is a no-op. */
  public final class Lease implements AutoCloseable {
    private final Counted counted;
    private boolean released;

    private Lease(Counted counted) {
      this.counted = counted;
    }

    public OrtSession session() {
      return counted.session;
    }

    public String device() {
      return counted.device;
    }

    @Override
    public void close() {
      synchronized (SessionPool.this) {
        if (released) {
          return;
        }
        released = true;
      }
      release(counted);
    }
  }
}
