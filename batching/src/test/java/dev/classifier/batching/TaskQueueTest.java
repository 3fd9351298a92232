package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskQueueTest {
  private static QueuedTask<Integer, String> task(int input, int priority, long bytes) {
    return new QueuedTask<>(null, input, priority, bytes, 0L, Long.MAX_VALUE);
  }

  @Test
  void pollsByPriorityThenFifoAndTracksCountAndBytes() {
    TaskQueue<Integer, String> q = new TaskQueue<>(2);
    q.addLast(task(1, 1, 10));
    q.addLast(task(2, 0, 20));
    q.addLast(task(3, 1, 30));
    q.addLast(task(4, 0, 40));
    assertThat(q.size()).isEqualTo(4);
    assertThat(q.bytes()).isEqualTo(100);
    assertThat(q.size(0)).isEqualTo(2);
    assertThat(q.bytes(0)).isEqualTo(60);
    assertThat(q.size(1)).isEqualTo(2);
    assertThat(q.bytes(1)).isEqualTo(40);

    assertThat(q.pollFirst().input()).isEqualTo(2);
    assertThat(q.size(0)).isEqualTo(1);
    assertThat(q.bytes(0)).isEqualTo(40);
    assertThat(q.pollFirst().input()).isEqualTo(4);
    assertThat(q.pollFirst().input()).isEqualTo(1);
    assertThat(q.pollFirst().input()).isEqualTo(3);
    assertThat(q.pollFirst()).isNull();
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.bytes()).isZero();
  }

  @Test
  void removesFromHeadMiddleAndTailOnce() {
    TaskQueue<Integer, String> q = new TaskQueue<>(1);
    QueuedTask<Integer, String> a = task(1, 0, 1);
    QueuedTask<Integer, String> b = task(2, 0, 2);
    QueuedTask<Integer, String> c = task(3, 0, 4);
    QueuedTask<Integer, String> d = task(4, 0, 8);
    q.addLast(a);
    q.addLast(b);
    q.addLast(c);
    q.addLast(d);

    assertThat(q.remove(b)).isTrue();
    assertThat(q.remove(b)).isFalse();
    assertThat(q.remove(a)).isTrue();
    assertThat(q.remove(d)).isTrue();

    assertThat(q.size()).isEqualTo(1);
    assertThat(q.bytes()).isEqualTo(4);
    assertThat(q.head(0)).isSameAs(c);
    q.addLast(a);
    assertThat(q.pollFirst()).isSameAs(c);
    assertThat(q.pollFirst()).isSameAs(a);
  }
}
