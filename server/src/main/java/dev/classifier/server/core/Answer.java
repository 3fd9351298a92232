package dev.classifier.server.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once guard between the core and a protocol: accepts the first of a result or a
 * failure and ignores everything after it. Rendering runs inside the guard, so whatever it throws
 * (an {@link Error} too) becomes one {@link InternalFailure} delivered as the answer instead; a
 * throw from delivering the result is followed by one attempt to deliver that failure (e.g. the
 * response could not be serialised), and a throw from delivering a failure is logged and dropped.
 *
 * @param <R> the protocol's response message
 */
public final class Answer<R> implements InferenceSink {
  private static final Logger LOG = LoggerFactory.getLogger(Answer.class);

  /** How a protocol writes its one answer. */
  public interface Delivery<R> {
    void result(R response);

    /** Any failure: map it to the protocol's status (gRPC: {@code Statuses}). */
    void failure(Throwable failure);
  }

  private final Function<InferenceOutcome, R> render;
  private final Delivery<R> delivery;
  private final AtomicBoolean answered = new AtomicBoolean();

  private Answer(Function<InferenceOutcome, R> render, Delivery<R> delivery) {
    this.render = render;
    this.delivery = delivery;
  }

  public static <R> Answer<R> of(Function<InferenceOutcome, R> render, Delivery<R> delivery) {
    return new Answer<>(render, delivery);
  }

  /** Whether an answer has been accepted. */
  public boolean isAnswered() {
    return answered.get();
  }

  @Override
  public void onResult(InferenceOutcome outcome) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    R response;
    try {
      response = render.apply(outcome);
    } catch (Throwable t) {
      deliverFailure(new InternalFailure("rendering the response failed", t));
      return;
    }
    try {
      delivery.result(response);
    } catch (Throwable t) {
      deliverFailure(new InternalFailure("writing the response failed", t));
    }
  }

  @Override
  public void onFailure(Throwable failure) {
    if (answered.compareAndSet(false, true)) {
      deliverFailure(failure);
    }
  }

  /** Delivers a failure that is the answer; never throws. */
  private void deliverFailure(Throwable failure) {
    if (failure instanceof InternalFailure f) {
      LOG.warn("answering INTERNAL: {}", f.getMessage(), f.getCause());
    }
    try {
      delivery.failure(failure);
    } catch (Throwable t) {
      LOG.debug("could not deliver a failure answer (call already gone?)", t);
    }
  }
}
