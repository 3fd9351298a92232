package dev.classifier.batching;

/**
 * Bounded-by-the-caller queue with one FIFO per priority level (level 0 first), as intrusive
 * doubly-linked lists: O(1) append, O(1) removal of a cancelled task, no node allocation. Tracks
 * the request count and payload bytes in total and per level. Not thread-safe: guarded by the
 * batcher's lock.
 */
final class TaskQueue<I, O> {
  private final QueuedTask<I, O>[] heads;
  private final QueuedTask<I, O>[] tails;
  private final int[] sizeByLevel;
  private final long[] bytesByLevel;
  private int size;
  private long bytes;

  @SuppressWarnings("unchecked")
  TaskQueue(int levels) {
    this.heads = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[levels];
    this.tails = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[levels];
    this.sizeByLevel = new int[levels];
    this.bytesByLevel = new long[levels];
  }

  int size(int level) {
    return sizeByLevel[level];
  }

  long bytes(int level) {
    return bytesByLevel[level];
  }

  int levels() {
    return heads.length;
  }

  int size() {
    return size;
  }

  long bytes() {
    return bytes;
  }

  boolean isEmpty() {
    return size == 0;
  }

  QueuedTask<I, O> head(int level) {
    return heads[level];
  }

  void addLast(QueuedTask<I, O> task) {
    int level = task.priority;
    QueuedTask<I, O> tail = tails[level];
    task.prev = tail;
    task.next = null;
    if (tail == null) {
      heads[level] = task;
    } else {
      tail.next = task;
    }
    tails[level] = task;
    task.queued = true;
    size++;
    bytes += task.payloadBytes;
    sizeByLevel[level]++;
    bytesByLevel[level] += task.payloadBytes;
  }

  /** Unlinks {@code task} if it is queued; returns whether it was. */
  boolean remove(QueuedTask<I, O> task) {
    if (!task.queued) {
      return false;
    }
    int level = task.priority;
    QueuedTask<I, O> p = task.prev;
    QueuedTask<I, O> n = task.next;
    if (p == null) {
      heads[level] = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tails[level] = p;
    } else {
      n.prev = p;
    }
    task.prev = null;
    task.next = null;
    task.queued = false;
    size--;
    bytes -= task.payloadBytes;
    sizeByLevel[level]--;
    bytesByLevel[level] -= task.payloadBytes;
    return true;
  }

  /** Removes and returns the head of the highest-priority non-empty level, or null. */
  QueuedTask<I, O> pollFirst() {
    for (int level = 0; level < heads.length; level++) {
      QueuedTask<I, O> h = heads[level];
      if (h != null) {
        remove(h);
        return h;
      }
    }
    return null;
  }
}
