package dev.classifier.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatcherClosedException;
import dev.classifier.batching.SubmitOptions;
import dev.classifier.server.TestModels;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A request that resolved a model just before a hot reload still gets answered. */
class HandoverTest {
  private ServedModel oldVersion;
  private ServedModel newVersion;
  private final InferenceInput input = InferenceInput.of(new byte[784 * 4], ElementType.FLOAT32);

  @BeforeEach
  void load() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(4).build();
    oldVersion = TestModels.load(TestModels.embedded(policy, 1));
    newVersion = TestModels.load(TestModels.embedded(policy, 1));
  }

  @AfterEach
  void close() {
    oldVersion.close();
    newVersion.close();
  }

  private CompletableFuture<Handover.Outcome<InferenceResult>> submit(ModelRegistry registry) {
    return Handover.submit(
        registry, oldVersion, m -> m.batcher().submit(input, SubmitOptions.defaults()));
  }

  @Test
  void workRejectedByAReplacedModelsClosedBatcherRunsOnTheNewVersion() throws Exception {
    ModelRegistry registry = new ModelRegistry(List.of(oldVersion), null);
    registry.replace(newVersion);
    oldVersion.batcher().close(Duration.ZERO).join();

    Handover.Outcome<InferenceResult> outcome = submit(registry).get(10, TimeUnit.SECONDS);

    assertThat(outcome.model()).isSameAs(newVersion);
    assertThat(outcome.value().probabilities()).hasSize(10);
  }

  @Test
  void aClosedBatcherWithoutAReplacementIsNotRetried() {
    ModelRegistry registry = new ModelRegistry(List.of(oldVersion), null);
    oldVersion.batcher().close(Duration.ZERO).join();

    assertThatThrownBy(() -> submit(registry).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(BatcherClosedException.class);
  }

  @Test
  void anOpenModelAnswersItselfAndCancellationReachesTheAttempt() throws Exception {
    ModelRegistry registry = new ModelRegistry(List.of(oldVersion), null);
    assertThat(submit(registry).get(10, TimeUnit.SECONDS).model()).isSameAs(oldVersion);

    CompletableFuture<InferenceResult> attempt = new CompletableFuture<>();
    CompletableFuture<Handover.Outcome<InferenceResult>> result =
        Handover.submit(registry, oldVersion, m -> attempt);
    result.cancel(false);
    assertThat(attempt).isCancelled();
  }
}
