package dev.classifier.server.grpc;

import dev.classifier.batching.BatcherClosedException;
import dev.classifier.batching.DeadlineExpiredException;
import dev.classifier.batching.QueueFullException;
import dev.classifier.batching.RejectedException;
import dev.classifier.proto.v1.ItemError;
import dev.classifier.server.core.Failures;
import dev.classifier.server.core.InternalFailure;
import dev.classifier.server.core.InvalidRequestException;
import dev.classifier.server.engine.NonFiniteInputException;
import dev.classifier.server.model.ModelNotFoundException;
import dev.classifier.server.text.ClientText;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;

/**
 * The one place where failures become gRPC statuses (see docs/ARCHITECTURE.md, "Error mapping").
 */
public final class Statuses {
  /** Trailer carrying a retry hint in milliseconds with RESOURCE_EXHAUSTED. */
  public static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private Statuses() {}

  /**
   * The status for {@code failure}, with a description that says what happened, at most {@link
   * ClientText#MAX_DESCRIPTION} characters long. Never UNKNOWN: anything unexpected is INTERNAL.
   */
  public static Status toStatus(Throwable failure) {
    Status s = map(unwrap(failure));
    String d = s.getDescription();
    if (s.getCode() == Status.Code.UNKNOWN) {
      s = Status.INTERNAL.withDescription(d).withCause(s.getCause());
    }
    return d != null && d.length() > ClientText.MAX_DESCRIPTION
        ? s.withDescription(ClientText.cap(d, ClientText.MAX_DESCRIPTION))
        : s;
  }

  private static Status map(Throwable t) {
    if (t instanceof StatusRuntimeException e) {
      return e.getStatus();
    }
    if (t instanceof StatusException e) {
      return e.getStatus();
    }
    if (t instanceof InvalidRequestException || t instanceof NonFiniteInputException) {
      return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
    }
    if (t instanceof ModelNotFoundException) {
      return Status.NOT_FOUND.withDescription(t.getMessage());
    }
    if (t instanceof QueueFullException q) {
      return Status.RESOURCE_EXHAUSTED.withDescription(
          q.getMessage() + "; retry after " + q.retryAfter().toMillis() + " ms");
    }
    if (t instanceof BatcherClosedException) {
      return Status.UNAVAILABLE.withDescription(
          "server is shutting down or the model is being unloaded: " + t.getMessage());
    }
    if (t instanceof RejectedException r) {
      return switch (r.reason()) {
        case CLOSED -> Status.UNAVAILABLE.withDescription(t.getMessage());
        case INVALID -> Status.INVALID_ARGUMENT.withDescription(t.getMessage());
        default -> Status.RESOURCE_EXHAUSTED.withDescription(t.getMessage());
      };
    }
    if (t instanceof DeadlineExpiredException) {
      return Status.DEADLINE_EXCEEDED.withDescription(
          "deadline passed while queued: " + t.getMessage());
    }
    if (t instanceof CancellationException) {
      return Status.CANCELLED.withDescription("request cancelled");
    }
    if (t instanceof InternalFailure) {
      return Status.INTERNAL.withDescription(t.getMessage()).withCause(t);
    }
    String m = t.getMessage();
    return Status.INTERNAL
        .withDescription(
            "inference failed: "
                + t.getClass().getSimpleName()
                + (m == null ? "" : ": " + ClientText.cap(m, ClientText.MAX_DESCRIPTION)))
        .withCause(t);
  }

  /** A StatusRuntimeException with trailers (retry hint for RESOURCE_EXHAUSTED). */
  public static StatusRuntimeException toException(Throwable failure) {
    Throwable t = unwrap(failure);
    Metadata trailers = new Metadata();
    if (t instanceof QueueFullException q) {
      trailers.put(RETRY_AFTER_MS, Long.toString(q.retryAfter().toMillis()));
    }
    return toStatus(t).asRuntimeException(trailers);
  }

  /** The stream-item form of {@link #toStatus}. */
  public static ItemError toItemError(Throwable failure) {
    Status s = toStatus(failure);
    return ItemError.newBuilder()
        .setCode(s.getCode().value())
        .setMessage(s.getDescription() == null ? s.getCode().name() : s.getDescription())
        .build();
  }

  static Throwable unwrap(Throwable t) {
    return Failures.unwrap(t);
  }
}
