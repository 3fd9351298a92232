package dev.classifier.server.grpc;

import dev.classifier.server.core.InternalFailure;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of one bidirectional stream whose items are answered one by one: manual flow
 * control with a fixed window of outstanding items, shared by classifier.v1's ClassifyStream and
 * the Open Inference Protocol's ModelStreamInfer.
 *
 * <p>The window asks the transport for {@code window} requests up front and for one more each time
 * a response has actually been written, so the items a stream holds (queued, running, or answered
 * but waiting for the client to read) never exceed the window, however fast the client sends or
 * however slowly it reads. Responses are written only while the transport is ready and resumed from
 * the on-ready handler; all writes happen under one lock, because a {@code StreamObserver} is not
 * thread-safe and answers complete on several worker threads.
 *
 * <p>How a stream ends, exactly once:
 *
 * <ul>
 *   <li>half-close ({@link #halfClosed}): everything in flight is answered, then the call
 *       completes;
 *   <li>cancellation ({@link #cancelled}: client cancel, deadline, transport error): queued items
 *       are cancelled, so they cost no compute, and nothing more is written;
 *   <li>{@link #fail}: the call ends with that error at once and its items are released;
 *   <li>a write that throws: its items are released and the call ends INTERNAL, unless it is
 *       already closed (grpc-java throws from a write to a closed call, and rethrows an {@code
 *       Error} from serializing after closing the call CANCELLED; the exception never reaches the
 *       thread that delivered the answer).
 * </ul>
 *
 * <p>The caller owns the protocol: it calls {@link #admit} for each arriving item, submits it,
 * hands the pending work to {@link #track} and eventually exactly one response to {@link #answer}.
 *
 * @param <R> the stream's response message
 */
public final class StreamWindow<R> {
  /** Counters a protocol may keep about its streams; every hook is optional. */
  public interface Events {
    /** A stream started. */
    default void opened() {}

    /** An item arrived and was admitted; {@code held} items are now held by its stream. */
    default void admitted(int held) {}

    /** {@code n} responses were written. */
    default void answered(int n) {}

    /** {@code n} items were released unanswered (the stream ended before they were written). */
    default void cancelled(int n) {}

    /** A stream ended, however it ended. */
    default void closed() {}
  }

  /** No counters. */
  public static final Events NO_EVENTS = new Events() {};

  private final ServerCallStreamObserver<R> out;
  private final int window;
  private final Events events;

  private final Object lock = new Object();
  private final ArrayDeque<R> ready = new ArrayDeque<>();

  /** Items queued or decoding (identity set: futures do not override equals). */
  private final Set<CompletableFuture<?>> inFlight = new HashSet<>();

  private int outstanding;
  private boolean halfClosed;
  private boolean finished;

  /**
   * @param out the call's response side
   * @param window items a stream may hold at once, at least 1
   * @param events counters to keep
   */
  public StreamWindow(ServerCallStreamObserver<R> out, int window, Events events) {
    if (window < 1) {
      throw new IllegalArgumentException("stream window must be >= 1, got " + window);
    }
    this.out = out;
    this.window = window;
    this.events = events;
  }

  /** Must run inside the service method, before it returns. */
  public void start() {
    out.disableAutoRequest();
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(this::cancelled);
    events.opened();
    out.request(window);
  }

  /**
   * Takes one window slot for an item that has just arrived. Returns false when the stream has
   * already ended: the item is then counted as cancelled and must not be submitted or answered.
   */
  public boolean admit() {
    int held;
    synchronized (lock) {
      if (finished) {
        held = -1;
      } else {
        held = ++outstanding;
      }
    }
    if (held < 0) {
      events.cancelled(1); // arrived after the stream ended: never answered
      return false;
    }
    events.admitted(held);
    return true;
  }

  /**
   * Holds an admitted item's pending work until it completes, so that cancelling the stream can
   * drop it; cancels it at once when the stream ended while the item was being read.
   */
  // inFlight holds futures by identity (CompletableFuture keeps Object's equals), as meant
  @SuppressWarnings("CollectionUndefinedEquality")
  public void track(CompletableFuture<?> pending) {
    boolean cancelNow = false;
    boolean held = false;
    synchronized (lock) {
      if (finished) {
        cancelNow = true;
      } else if (!pending.isDone()) {
        held = inFlight.add(pending);
      }
    }
    if (cancelNow) {
      pending.cancel(false);
    } else if (held) {
      var unused =
          pending.whenComplete(
              (r, t) -> {
                synchronized (lock) {
                  inFlight.remove(pending);
                }
              });
    }
  }

  /** The one response of an admitted item; returns its window slot once written. */
  public void answer(R response) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      ready.add(response);
    }
    drain();
  }

  /** The client half-closed: complete the call once everything held is written. */
  public void halfClosed() {
    synchronized (lock) {
      halfClosed = true;
    }
    drain();
  }

  /** The call was cancelled (or the transport failed): release everything, write nothing more. */
  public void cancelled() {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (finished) {
        return;
      }
      toCancel = releaseLocked();
    }
    cancelAll(toCancel);
  }

  /** Ends the call with {@code error} at once (unless it already ended) and releases its items. */
  public void fail(Throwable error) {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (finished) {
        return;
      }
      toCancel = releaseLocked();
      closeWith(error);
    }
    cancelAll(toCancel);
  }

  /** Writes what the transport can take now; completes the call once half-closed and empty. */
  private void drain() {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (finished) {
        return;
      }
      int written = 0;
      Throwable refused = null;
      try {
        while (!ready.isEmpty() && out.isReady()) {
          out.onNext(ready.poll());
          written++;
        }
      } catch (Throwable t) {
        refused = t;
      }
      outstanding -= written;
      events.answered(written);
      if (refused == null) {
        if (halfClosed && outstanding == 0) {
          finished = true;
          events.closed();
          out.onCompleted();
        } else if (written > 0 && !halfClosed) {
          out.request(written);
        }
        return;
      }
      // the write threw: the stream cannot go on; release its items and end it
      toCancel = releaseLocked();
      closeWith(
          Statuses.toException(new InternalFailure("writing a stream answer failed", refused)));
    }
    cancelAll(toCancel); // outside the lock, as everywhere: their callbacks find the stream ended
  }

  /** Under the lock: the call's last word; a call that is already closed has none. */
  private void closeWith(Throwable error) {
    try {
      out.onError(error);
    } catch (Throwable ignored) {
      // the call is already closed
    }
  }

  /**
   * Under the lock: ends the stream's bookkeeping once. Every item held (queued, decoding, or
   * answered but not yet written) counts as cancelled, so the in-flight gauge returns to zero
   * however the stream ended; returns the futures to cancel once the lock is released.
   */
  private List<CompletableFuture<?>> releaseLocked() {
    finished = true;
    events.cancelled(outstanding);
    events.closed();
    outstanding = 0;
    List<CompletableFuture<?>> toCancel = new ArrayList<>(inFlight);
    inFlight.clear();
    ready.clear();
    return toCancel;
  }

  private static void cancelAll(List<CompletableFuture<?>> futures) {
    for (CompletableFuture<?> f : futures) {
      f.cancel(false);
    }
  }
}
