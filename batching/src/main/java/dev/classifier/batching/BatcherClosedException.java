package dev.classifier.batching;

import java.time.Duration;

/** The batcher is closing or closed: the request was refused or was still queued at the end. */
public final class BatcherClosedException extends RejectedException {
  private static final long serialVersionUID = 1L;

  public BatcherClosedException(String message) {
    super(Reason.CLOSED, message, Duration.ZERO, false);
  }
}
