package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.server.core.Answer;
import dev.classifier.server.core.InvalidRequestException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * ModelStreamInfer's flow control and per-item answers, against a recording transport: the server
 * asks for exactly the window up front and one more per response written, writes only while the
 * transport is ready, answers a bad item with an error_message and completes after half-close once
 * everything in flight is answered; cancellation cancels what is queued.
 */
class StreamInferCallTest {
  private static final int WINDOW = 3;

  /** A transport that records requests and writes, with a switchable isReady. */
  private static final class Transport extends ServerCallStreamObserver<ModelStreamInferResponse> {
    final List<Integer> requested = new ArrayList<>();
    final List<ModelStreamInferResponse> written = new ArrayList<>();
    boolean ready = true;
    boolean completed;
    Runnable onReady;
    Runnable onCancel;

    int totalRequested() {
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
    public void onNext(ModelStreamInferResponse value) {
      written.add(value);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError("a stream is never failed as a whole", t);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }

  /** An admission path whose requests stay pending until the test completes them. */
  private static final class Pending {
    final List<Answer.Delivery<ModelInferResponse>> deliveries = new ArrayList<>();
    final List<CompletableFuture<Void>> futures = new ArrayList<>();

    CompletableFuture<?> infer(ModelInferRequest r, Answer.Delivery<ModelInferResponse> d) {
      if (r.getModelName().equals("bad")) {
        d.failure(new InvalidRequestException("bad item"));
        return CompletableFuture.completedFuture(null);
      }
      deliveries.add(d);
      CompletableFuture<Void> f = new CompletableFuture<>();
      futures.add(f);
      return f;
    }

    void answer(int i, String id) {
      deliveries.get(i).result(ModelInferResponse.newBuilder().setId(id).build());
      futures.get(i).complete(null);
    }
  }

  private static ModelInferRequest item(String id) {
    return ModelInferRequest.newBuilder().setModelName("m").setId(id).build();
  }

  @Test
  void requestsTheWindowThenOneMorePerWrittenResponse() {
    Transport t = new Transport();
    Pending p = new Pending();
    StreamInferCall call = new StreamInferCall(t, p::infer, WINDOW);
    call.start();
    assertThat(t.requested).containsExactly(WINDOW);
    for (int i = 0; i < WINDOW; i++) {
      call.onNext(item("i" + i));
    }
    assertThat(t.totalRequested()).as("nothing answered: no new credit").isEqualTo(WINDOW);

    t.ready = false; // the client reads slowly
    p.answer(0, "i0");
    assertThat(t.written).isEmpty();
    assertThat(t.totalRequested()).as("answered but unread: still held").isEqualTo(WINDOW);

    t.ready = true;
    t.onReady.run();
    assertThat(t.written).extracting(r -> r.getInferResponse().getId()).containsExactly("i0");
    assertThat(t.totalRequested()).isEqualTo(WINDOW + 1);

    call.onNext(item("bad-1").toBuilder().setModelName("bad").build());
    assertThat(t.written.get(1).getErrorMessage()).isEqualTo("INVALID_ARGUMENT: bad item");
    assertThat(t.written.get(1).getInferResponse().getId()).isEqualTo("bad-1");
    assertThat(t.totalRequested()).isEqualTo(WINDOW + 2);

    call.onCompleted();
    assertThat(t.completed).as("two items still in flight").isFalse();
    p.answer(2, "i2");
    p.answer(1, "i1");
    assertThat(t.completed).isTrue();
    assertThat(t.written)
        .extracting(r -> r.getInferResponse().getId())
        .containsExactly("i0", "bad-1", "i2", "i1");
    assertThat(t.totalRequested()).as("no credit after half-close").isEqualTo(WINDOW + 2);
  }

  @Test
  void cancellationCancelsQueuedItemsAndWritesNothingMore() {
    Transport t = new Transport();
    Pending p = new Pending();
    StreamInferCall call = new StreamInferCall(t, p::infer, WINDOW);
    call.start();
    call.onNext(item("a"));
    call.onNext(item("b"));
    t.onCancel.run();
    assertThat(p.futures).allMatch(CompletableFuture::isCancelled);
    p.deliveries.get(0).result(ModelInferResponse.newBuilder().setId("a").build());
    assertThat(t.written).isEmpty();
    assertThat(t.completed).isFalse();
  }
}
