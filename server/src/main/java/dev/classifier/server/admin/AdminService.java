package dev.classifier.server.admin;

import dev.classifier.proto.v1.AdminGrpc;
import dev.classifier.proto.v1.ReloadModelRequest;
import dev.classifier.proto.v1.ReloadModelResponse;
import dev.classifier.server.grpc.LenientRequests;
import dev.classifier.server.model.ModelNotFoundException;
import dev.classifier.server.security.AuthContext;
import dev.classifier.server.security.ModelPathPolicy;
import dev.classifier.server.security.PathRefusedException;
import dev.classifier.server.text.ClientText;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier.v1.Admin service, served on the admin listener only. The handler checks a
 * requested path against the model root ({@link ModelPathPolicy}), hands the reload to {@link
 * ModelReloader}'s thread and returns at once; the answer is written when the new version serves.
 * Every action is logged to the {@code classifier.audit} logger with who asked and the outcome.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {
  private static final Logger AUDIT = LoggerFactory.getLogger("classifier.audit");

  private final ModelReloader reloader;
  private final ModelPathPolicy paths;

  /** Reloads from a model's own file only (every path refused). */
  public AdminService(ModelReloader reloader) {
    this(reloader, ModelPathPolicy.none());
  }

  public AdminService(ModelReloader reloader, ModelPathPolicy paths) {
    this.reloader = reloader;
    this.paths = paths;
  }

  @Override
  public void reloadModel(
      ReloadModelRequest request, StreamObserver<ReloadModelResponse> responses) {
    if (LenientRequests.isMalformed(request)) {
      responses.onError(
          Status.INVALID_ARGUMENT
              .withDescription(LenientRequests.description(request))
              .asRuntimeException());
      return;
    }
    String who = AuthContext.who();
    String what =
        "ReloadModel model="
            + ClientText.quote(request.getModel())
            + (request.hasPath() ? " path=" + ClientText.quote(request.getPath()) : "");
    Path path;
    try {
      path = request.hasPath() ? paths.check(request.getPath()) : null;
    } catch (RuntimeException e) {
      Status s = status(e);
      AUDIT.warn("{} by {}: refused, {}: {}", what, who, s.getCode(), e.getMessage());
      responses.onError(s.asRuntimeException());
      return;
    }
    AUDIT.info("{} by {}: started", what, who);
    var unused =
        reloader
            .reload(request.getModel(), path)
            .whenComplete(
                (r, failure) -> {
                  if (failure != null) {
                    Status s = status(failure);
                    AUDIT.warn(
                        "{} by {}: failed, {}: {}", what, who, s.getCode(), s.getDescription());
                    responses.onError(s.asRuntimeException());
                    return;
                  }
                  AUDIT.info(
                      "{} by {}: done, {} v{} -> v{} from {}",
                      what,
                      who,
                      r.model(),
                      r.previousVersion(),
                      r.version(),
                      r.source());
                  responses.onNext(
                      ReloadModelResponse.newBuilder()
                          .setModel(r.model())
                          .setPreviousVersion(r.previousVersion())
                          .setVersion(r.version())
                          .setSource(r.source())
                          .build());
                  responses.onCompleted();
                });
  }

  static Status status(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    Status s;
    if (t instanceof ModelNotFoundException || causedBy(t, NoSuchFileException.class)) {
      s = Status.NOT_FOUND;
    } else if (t instanceof ReloadQueueFullException) {
      s = Status.RESOURCE_EXHAUSTED;
    } else if (t instanceof PathRefusedException) {
      s = Status.PERMISSION_DENIED;
    } else if (t instanceof IllegalStateException) {
      s = Status.FAILED_PRECONDITION;
    } else if (t instanceof IllegalArgumentException) {
      s = Status.INVALID_ARGUMENT;
    } else {
      s = Status.INTERNAL;
    }
    return s.withDescription(ClientText.cap(t.getMessage(), ClientText.MAX_DESCRIPTION))
        .withCause(t);
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
