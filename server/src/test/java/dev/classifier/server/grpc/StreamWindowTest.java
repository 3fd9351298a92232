package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The flow control both streaming protocols share, against a recording transport: credits, writes
 * only while ready, and every way a stream ends (half-close, cancel, a refused write, a failure),
 * each exactly once, with the counters adding up (admitted = answered + cancelled).
 */
class StreamWindowTest {
  private static final int WINDOW = 3;

  /** Counts every hook. */
  private static final class Counts implements StreamWindow.Events {
    int opened;
    int admitted;
    int peak;
    int answered;
    int cancelled;
    int closed;

    @Override
    public void opened() {
      opened++;
    }

    @Override
    public void admitted(int held) {
      admitted++;
      peak = Math.max(peak, held);
    }

    @Override
    public void answered(int n) {
      answered += n;
    }

    @Override
    public void cancelled(int n) {
      cancelled += n;
    }

    @Override
    public void closed() {
      closed++;
    }
  }

  private final RecordingStreamObserver<String> t = new RecordingStreamObserver<>();
  private final Counts counts = new Counts();
  private final StreamWindow<String> stream = new StreamWindow<>(t, WINDOW, counts);

  /** Admits and tracks one item whose work stays pending until the test completes it. */
  private CompletableFuture<Void> item() {
    assertThat(stream.admit()).isTrue();
    CompletableFuture<Void> work = new CompletableFuture<>();
    stream.track(work);
    return work;
  }

  @Test
  void creditsTheWindowThenOneMorePerWrittenResponseAndCompletesAfterHalfClose() {
    stream.start();
    assertThat(t.requested).containsExactly(WINDOW);
    assertThat(counts.opened).isOne();
    List<CompletableFuture<Void>> work = new ArrayList<>();
    for (int i = 0; i < WINDOW; i++) {
      work.add(item());
    }
    assertThat(counts.admitted).isEqualTo(WINDOW);
    assertThat(counts.peak).isEqualTo(WINDOW);

    t.ready = false; // the client reads slowly
    stream.answer("a0");
    work.get(0).complete(null);
    assertThat(t.written).isEmpty();
    assertThat(t.totalRequested()).as("answered but unread: still held").isEqualTo(WINDOW);

    t.ready = true;
    t.onReady.run();
    assertThat(t.written).containsExactly("a0");
    assertThat(t.totalRequested()).isEqualTo(WINDOW + 1);

    stream.halfClosed();
    assertThat(t.completed).as("two items still held").isZero();
    stream.answer("a2");
    stream.answer("a1");
    assertThat(t.written).containsExactly("a0", "a2", "a1");
    assertThat(t.completed).isOne();
    assertThat(t.errors).isEmpty();
    assertThat(t.totalRequested()).as("no credit after half-close").isEqualTo(WINDOW + 1);
    assertThat(counts.answered).isEqualTo(3);
    assertThat(counts.cancelled).isZero();
    assertThat(counts.closed).isOne();
  }

  @Test
  void cancellationCancelsHeldWorkCountsItAndWritesNothingMore() {
    stream.start();
    CompletableFuture<Void> queued = item();
    item();
    t.ready = false;
    stream.answer("answered-but-unread");

    t.onCancel.run();
    assertThat(queued).isCancelled();
    assertThat(counts.cancelled).as("both held items, the unread answer included").isEqualTo(2);
    assertThat(counts.closed).isOne();

    t.ready = true;
    stream.answer("late");
    t.onReady.run();
    stream.halfClosed();
    stream.cancelled();
    assertThat(t.written).isEmpty();
    assertThat(t.completed).isZero();
    assertThat(t.errors).isEmpty();
    assertThat(counts.closed).as("ends once").isOne();

    assertThat(stream.admit()).as("an item arriving after the end is dropped").isFalse();
    assertThat(counts.cancelled).isEqualTo(3);
    CompletableFuture<Void> readDuringCancel = new CompletableFuture<>();
    stream.track(readDuringCancel);
    assertThat(readDuringCancel).isCancelled();
  }

  @Test
  void aRefusedWriteEndsTheCallInternalOnceAndReleasesEveryItem() {
    stream.start();
    CompletableFuture<Void> first = item();
    CompletableFuture<Void> second = item();
    CompletableFuture<Void> third = item();
    stream.answer("ok");
    first.complete(null);

    t.refuseWrites = new IllegalStateException("serializer exploded");
    stream.answer("refused");

    assertThat(t.errors).hasSize(1);
    assertThat(t.errors.get(0))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
              assertThat(e.getStatus().getDescription())
                  .contains("writing a stream answer failed")
                  .contains("serializer exploded");
            });
    assertThat(second).isCancelled();
    assertThat(third).isCancelled();
    assertThat(counts.answered).isOne();
    assertThat(counts.cancelled).as("the refused answer and the two still running").isEqualTo(2);
    assertThat(counts.closed).isOne();

    t.refuseWrites = null;
    stream.answer("after");
    stream.halfClosed();
    assertThat(t.written).containsExactly("ok");
    assertThat(t.completed).isZero();
    assertThat(t.errors).hasSize(1);
  }

  @Test
  void failEndsTheCallWithThatErrorOnceAndReleasesEveryItem() {
    stream.start();
    CompletableFuture<Void> held = item();
    StatusRuntimeException error =
        Status.INVALID_ARGUMENT.withDescription("bad").asRuntimeException();

    stream.fail(error);
    stream.fail(Status.INTERNAL.asRuntimeException());

    assertThat(t.errors).containsExactly(error);
    assertThat(held).isCancelled();
    assertThat(counts.cancelled).isOne();
    assertThat(counts.closed).isOne();
    stream.answer("late");
    stream.halfClosed();
    assertThat(t.written).isEmpty();
    assertThat(t.completed).isZero();
  }

  @Test
  void workDoneBeforeItIsTrackedIsNotHeld() {
    stream.start();
    assertThat(stream.admit()).isTrue();
    stream.track(CompletableFuture.completedFuture(null)); // answered at once (a rejected item)
    stream.answer("rejected");
    stream.halfClosed();
    assertThat(t.completed).isOne();
    assertThat(counts.answered).isOne();
  }

  @Test
  void rejectsAnEmptyWindow() {
    assertThatThrownBy(() -> new StreamWindow<>(t, 0, StreamWindow.NO_EVENTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window must be >= 1");
  }
}
