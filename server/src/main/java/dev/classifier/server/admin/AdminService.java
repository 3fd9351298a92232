package dev.classifier.server.admin;

import dev.classifier.proto.v1.AdminGrpc;
import dev.classifier.proto.v1.ReloadModelRequest;
import dev.classifier.proto.v1.ReloadModelResponse;
import dev.classifier.server.core.ClientText;
import dev.classifier.server.grpc.LenientRequests;
import dev.classifier.server.model.ModelNotFoundException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

/**
 * The classifier.v1.Admin service. The handler hands the reload to {@link ModelReloader}'s thread
 * and returns at once; the answer is written when the new version serves.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {
  private final ModelReloader reloader;

  public AdminService(ModelReloader reloader) {
    this.reloader = reloader;
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
    Path path;
    try {
      path = request.hasPath() ? Path.of(request.getPath()) : null;
    } catch (InvalidPathException e) {
      responses.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "path " + ClientText.quote(request.getPath()) + " is not a valid file path")
              .asRuntimeException());
      return;
    }
    reloader
        .reload(request.getModel(), path)
        .whenComplete(
            (r, failure) -> {
              if (failure != null) {
                responses.onError(status(failure).asRuntimeException());
                return;
              }
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
    if (t instanceof ModelNotFoundException) {
      s = Status.NOT_FOUND;
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
}
