package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.server.core.Answer;
import dev.classifier.server.core.InvalidRequestException;
import dev.classifier.server.grpc.RecordingStreamObserver;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ModelStreamInfer's flow control and per-item answers, against a recording transport: the server
 * asks for exactly the window up front and one more per response written, writes only while the
 * transport is ready, answers a bad item with an error_message and completes after half-close once
 * everything in flight is answered; cancellation cancels what is queued.
 */
class StreamInferCallTest {
  private static final int WINDOW = 3;

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

  private final RecordingStreamObserver<ModelStreamInferResponse> t =
      new RecordingStreamObserver<>();
  private final Pending p = new Pending();
  private final StreamInferCall call = new StreamInferCall(t, p::infer, WINDOW);

  @BeforeEach
  void start() {
    call.start();
  }

  private static ModelInferRequest item(String id) {
    return ModelInferRequest.newBuilder().setModelName("m").setId(id).build();
  }

  @Test
  void requestsTheWindowThenOneMorePerWrittenResponse() {
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
    assertThat(t.completed).as("two items still in flight").isZero();
    p.answer(2, "i2");
    p.answer(1, "i1");
    assertThat(t.completed).isOne();
    assertThat(t.written)
        .extracting(r -> r.getInferResponse().getId())
        .containsExactly("i0", "bad-1", "i2", "i1");
    assertThat(t.totalRequested()).as("no credit after half-close").isEqualTo(WINDOW + 2);
    assertThat(t.errors).as("a stream is never failed as a whole").isEmpty();
  }

  @Test
  void cancellationCancelsQueuedItemsAndWritesNothingMore() {
    call.onNext(item("a"));
    call.onNext(item("b"));
    t.onCancel.run();
    assertThat(p.futures).allMatch(CompletableFuture::isCancelled);
    p.deliveries.get(0).result(ModelInferResponse.newBuilder().setId("a").build());
    assertThat(t.written).isEmpty();
    assertThat(t.completed).isZero();
    assertThat(t.errors).isEmpty();
  }

  @Test
  void aWriteTheTransportRefusesEndsTheStreamInternalAndCancelsWhatIsQueued() {
    call.onNext(item("a"));
    call.onNext(item("b"));
    t.refuseWrites = new IllegalStateException("response too large");

    p.answer(0, "a"); // the delivering thread sees no exception

    assertThat(t.errors).hasSize(1);
    assertThat(Status.fromThrowable(t.errors.get(0)).getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(Status.fromThrowable(t.errors.get(0)).getDescription())
        .contains("writing a stream answer failed")
        .contains("response too large");
    assertThat(p.futures.get(1)).isCancelled();
    call.onCompleted();
    assertThat(t.completed).isZero();
  }
}
