package dev.classifier.batching;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A batcher wired to fake time, a fake executor, a recording runner and a recording listener. */
final class Harness {
  final FakeClock clock = new FakeClock();
  final FakeExecutor executor = new FakeExecutor();
  final RecordingRunner runner = new RecordingRunner();
  final RecordingListener listener = new RecordingListener();
  final Batcher<Integer, String> batcher;

  Harness(BatchPolicy policy) {
    this(policy, List.of(new Instance("cpu", 0, policy.maxBatchSize())));
  }

  Harness(BatchPolicy policy, List<Instance> instances) {
    this(policy, instances, b -> b);
  }

  /** With extra builder settings applied last. */
  Harness(
      BatchPolicy policy,
      List<Instance> instances,
      java.util.function.UnaryOperator<Batcher.Builder<Integer, String>> extra) {
    this.batcher =
        extra
            .apply(
                Batcher.builder("test", policy, (BatchRunner<Integer, String>) runner)
                    .instances(instances)
                    .ticker(clock)
                    .scheduler(clock)
                    .executor(executor)
                    .listener(listener))
            .build();
  }

  CompletableFuture<String> submit(int input) {
    return batcher.submit(input, SubmitOptions.defaults());
  }

  CompletableFuture<String> submit(int input, SubmitOptions options) {
    return batcher.submit(input, options);
  }

  long now() {
    return clock.nanoTime();
  }
}
