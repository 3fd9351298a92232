package dev.classifier.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream's response side for tests: records the credits requested, the messages written and how
 * the call ended; {@link #ready} switches isReady, {@link #refuseWrites} makes onNext throw, and
 * the handlers the server installs are kept for the test to fire.
 *
 * @param <T> the response message
 */
public final class RecordingStreamObserver<T> extends ServerCallStreamObserver<T> {
  public final List<Integer> requested = new ArrayList<>();
  public final List<T> written = new ArrayList<>();
  public final List<Throwable> errors = new ArrayList<>();
  public boolean ready = true;
  public int completed;
  public RuntimeException refuseWrites;
  public Runnable onReady;
  public Runnable onCancel;

  /** All credits requested so far. */
  public int totalRequested() {
    return requested.stream().mapToInt(Integer::intValue).sum();
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable r) {
    onCancel = r;
  }

  @Override
  public void setCompression(String c) {}

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void setOnReadyHandler(Runnable r) {
    onReady = r;
  }

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void disableAutoRequest() {}

  @Override
  public void request(int n) {
    requested.add(n);
  }

  @Override
  public void setMessageCompression(boolean enable) {}

  @Override
  public void onNext(T value) {
    if (refuseWrites != null) {
      throw refuseWrites;
    }
    written.add(value);
  }

  @Override
  public void onError(Throwable t) {
    errors.add(t);
  }

  @Override
  public void onCompleted() {
    completed++;
  }
}
