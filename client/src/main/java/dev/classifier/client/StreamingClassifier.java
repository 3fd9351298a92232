package dev.classifier.client;

import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open ClassifyStream with backpressure: at most {@code window} images are in flight (sent and
 * not yet answered). {@link #send} blocks until a slot is free and the transport is ready; {@link
 * #trySend} never blocks. Responses (results or per-item errors) go to the listener with their
 * request ids, possibly out of order. Thread-safe for senders.
 */
public final class StreamingClassifier implements AutoCloseable {
  /** Receives the stream's responses, one at a time, on a gRPC thread. */
  public interface Listener {
    void onResponse(ClassifyStreamResponse response);

    /** The stream failed (the server or transport ended it); unanswered items are lost. */
    default void onError(Throwable error) {}

    /** The server completed the stream after answering everything. */
    default void onCompleted() {}
  }

  private final Semaphore window;
  private final int windowSize;
  private final Listener listener;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final Condition transportReady = sendLock.newCondition();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile ClientCallStreamObserver<ClassifyStreamRequest> requests;
  private volatile Throwable failure;
  private boolean halfClosed;

  private StreamingClassifier(int window, Listener listener) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    this.window = new Semaphore(window);
    this.windowSize = window;
    this.listener = listener;
  }

  static StreamingClassifier open(Channel channel, int window, Listener listener) {
    StreamingClassifier s = new StreamingClassifier(window, listener);
    ClassifierGrpc.newStub(channel).classifyStream(s.new Responses());
    return s;
  }

  /**
   * Sends one item, blocking while the window is full or the transport is not ready.
   *
   * @throws IllegalStateException if the stream failed, ended or was half-closed
   */
  public void send(ClassifyStreamRequest request) throws InterruptedException {
    window.acquire();
    boolean sent = false;
    try {
      sendLock.lockInterruptibly();
      try {
        while (!requests.isReady() && !halfClosed && failure == null && done.getCount() > 0) {
          transportReady.await(100, TimeUnit.MILLISECONDS);
        }
        sendLocked(request);
        sent = true;
      } finally {
        sendLock.unlock();
      }
    } finally {
      if (!sent) {
        window.release(); // interrupted or refused: the slot was never used
      }
    }
  }

  /**
   * Sends one item if a window slot is free now; never blocks on the window.
   *
   * @throws IllegalStateException if the stream failed, ended or was half-closed
   */
  public boolean trySend(ClassifyStreamRequest request) {
    if (!window.tryAcquire()) {
      return false;
    }
    boolean sent = false;
    sendLock.lock();
    try {
      sendLocked(request);
      sent = true;
      return true;
    } finally {
      sendLock.unlock();
      if (!sent) {
        window.release();
      }
    }
  }

  /** Sends under {@code sendLock} after checking that the stream still takes items. */
  private void sendLocked(ClassifyStreamRequest request) {
    if (failure != null) {
      throw new IllegalStateException("stream failed", failure);
    }
    if (halfClosed) {
      throw new IllegalStateException("stream is half-closed");
    }
    if (done.getCount() == 0) {
      throw new IllegalStateException("stream has ended");
    }
    requests.onNext(request);
  }

  /** Free window slots now. */
  public int available() {
    return window.availablePermits();
  }

  public int windowSize() {
    return windowSize;
  }

  /** Says no more items will come; the server answers what is in flight, then completes. */
  public void halfClose() {
    sendLock.lock();
    try {
      if (!halfClosed && failure == null && done.getCount() > 0) {
        halfClosed = true;
        requests.onCompleted();
      }
    } finally {
      sendLock.unlock();
    }
  }

  /** Waits for the server to complete (or fail) the stream. */
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The failure that ended the stream, or null. */
  public Throwable failure() {
    return failure;
  }

  /** Cancels the stream: the server stops work on its queued items. */
  public void cancel(String reason) {
    requests.cancel(reason, null);
  }

  /** Half-closes and waits up to 30 s for the server to finish. */
  @Override
  public void close() throws InterruptedException {
    halfClose();
    if (!awaitCompletion(Duration.ofSeconds(30))) {
      cancel("client gave up waiting for the stream to complete");
    }
  }

  private void signalReady() {
    sendLock.lock();
    try {
      transportReady.signalAll();
    } finally {
      sendLock.unlock();
    }
  }

  private final class Responses
      implements ClientResponseObserver<ClassifyStreamRequest, ClassifyStreamResponse> {
    @Override
    public void beforeStart(ClientCallStreamObserver<ClassifyStreamRequest> stream) {
      requests = stream;
      stream.setOnReadyHandler(StreamingClassifier.this::signalReady);
    }

    @Override
    public void onNext(ClassifyStreamResponse response) {
      window.release();
      listener.onResponse(response);
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
      window.release(windowSize);
      signalReady();
      try {
        listener.onError(t);
      } finally {
        done.countDown();
      }
    }

    @Override
    public void onCompleted() {
      signalReady();
      try {
        listener.onCompleted();
      } finally {
        done.countDown();
      }
    }
  }
}
