package dev.classifier.server.warmup;

import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.model.ServedModel;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Items on one {@code ClassifyStream} per model, kept open for the whole warm-up. The driver keeps
 * at most its concurrency in flight, which must not exceed the server's stream window.
 */
public final class StreamWarmer implements Warmer {
  private final ClassifierGrpc.ClassifierStub stub;
  private final Map<String, OpenStream> streams = new ConcurrentHashMap<>();
  private long nextId;

  public StreamWarmer(Channel channel) {
    this.stub = ClassifierGrpc.newStub(channel);
  }

  @Override
  public String name() {
    return "ClassifyStream";
  }

  @Override
  public CompletableFuture<?> send(ServedModel model) {
    OpenStream s = streams.get(model.name());
    if (s == null || s.failed) {
      s = new OpenStream(model);
      streams.put(model.name(), s);
    }
    return s.send(Long.toString(nextId++));
  }

  @Override
  public void close() {
    streams.values().forEach(OpenStream::close);
    streams.clear();
  }

  private final class OpenStream implements StreamObserver<ClassifyStreamResponse> {
    private final ClassifyStreamRequest.Builder template;
    private final Map<String, CompletableFuture<ClassifyStreamResponse>> pending =
        new ConcurrentHashMap<>();
    private final StreamObserver<ClassifyStreamRequest> requests;
    private volatile boolean failed;

    OpenStream(ServedModel model) {
      template =
          ClassifyStreamRequest.newBuilder()
              .setModel(model.name())
              .setImage(SyntheticInputs.zeroImage(model));
      requests = stub.classifyStream(this);
    }

    CompletableFuture<ClassifyStreamResponse> send(String id) {
      CompletableFuture<ClassifyStreamResponse> answer = new CompletableFuture<>();
      pending.put(id, answer);
      if (failed) {
        fail(Status.UNAVAILABLE.withDescription("warm-up stream ended").asRuntimeException());
        return answer;
      }
      requests.onNext(template.setRequestId(id).build());
      return answer;
    }

    void close() {
      if (!failed) {
        requests.onCompleted();
      }
    }

    @Override
    public void onNext(ClassifyStreamResponse r) {
      CompletableFuture<ClassifyStreamResponse> answer = pending.remove(r.getRequestId());
      if (answer == null) {
        return;
      }
      if (r.hasError()) {
        answer.completeExceptionally(
            new IllegalStateException(
                "item error " + r.getError().getCode() + ": " + r.getError().getMessage()));
      } else {
        answer.complete(r);
      }
    }

    @Override
    public void onError(Throwable t) {
      failed = true;
      fail(t);
    }

    @Override
    public void onCompleted() {
      failed = true;
      fail(new IllegalStateException("warm-up stream closed by the server"));
    }

    // pending is a ConcurrentHashMap: its key view iterates safely while entries are removed
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
    private void fail(Throwable t) {
      for (String id : pending.keySet()) {
        CompletableFuture<ClassifyStreamResponse> answer = pending.remove(id);
        if (answer != null) {
          answer.completeExceptionally(t);
        }
      }
    }
  }
}
