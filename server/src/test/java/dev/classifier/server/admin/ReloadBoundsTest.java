package dev.classifier.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.SubmitOptions;
import dev.classifier.proto.v1.ReloadModelRequest;
import dev.classifier.proto.v1.ReloadModelResponse;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.security.ModelPathPolicy;
import dev.classifier.server.signature.ElementType;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload answers with the right code, its queue is bounded, and the old version is retired. */
class ReloadBoundsTest {
  private static final String NAME = "probabilities";

  /** A status-recording observer. */
  private static final class Answer implements StreamObserver<ReloadModelResponse> {
    final CompletableFuture<Status> status = new CompletableFuture<>();

    @Override
    public void onNext(ReloadModelResponse value) {}

    @Override
    public void onError(Throwable t) {
      status.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      status.complete(Status.OK);
    }
  }

  private static ModelConfig config() {
    return TestModels.fixtureModel("probabilities.onnx", BatchPolicy.builder().build(), 1)
        .withName(NAME);
  }

  private static ModelReloader reloader(ModelRegistry registry) {
    return new ModelReloader(
        registry,
        new ModelLoader(OrtEnvironment.getEnvironment(), n -> BatcherListener.NO_OP),
        Map.of(NAME, config()),
        Duration.ZERO,
        Duration.ofSeconds(30),
        n -> {});
  }

  private static Status reload(ModelReloader reloader, Path root, String path) throws Exception {
    Answer a = new Answer();
    new AdminService(reloader, ModelPathPolicy.under(root))
        .reloadModel(ReloadModelRequest.newBuilder().setModel(NAME).setPath(path).build(), a);
    return a.status.get(30, TimeUnit.SECONDS);
  }

  @Test
  void badPathsAreInvalidArgumentOrNotFoundNeverUnknown(@TempDir Path tmp) throws Exception {
    ServedModel model = TestModels.load(config());
    ModelReloader reloader = reloader(new ModelRegistry(List.of(model), NAME));
    try {
      Status nul = reload(reloader, tmp, "bad\0path.onnx");
      assertThat(nul.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(nul.getDescription()).contains("NUL");

      Status missing = reload(reloader, tmp, tmp.resolve("missing.onnx").toString());
      assertThat(missing.getCode()).isEqualTo(Status.Code.NOT_FOUND);

      Status directory = reload(reloader, tmp, tmp.toString());
      assertThat(directory.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    } finally {
      reloader.close();
      model.close();
    }
  }

  @Test
  void pendingReloadsAreBoundedAndTheReplacedVersionIsAlwaysRetired(@TempDir Path tmp)
      throws Exception {
    Path file = HotReloadTest.modelVersion(tmp.resolve("v2"), "2");
    CountDownLatch gate = new CountDownLatch(1);
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    ServedModel old = TestModels.loadGated(config(), gate, sizes);
    ModelRegistry registry = new ModelRegistry(List.of(old), NAME);
    ModelReloader reloader = reloader(registry);
    try {
      // a request held in the old version's running batch keeps its drain (and the reload
      // thread) busy after the swap
      var held =
          old.batcher()
              .submit(
                  InferenceInput.of(
                      Tensors.floatBytes(
                          Tensors.randomFloats(
                              new Random(1), (int) old.signature().imageBytes() / 4)),
                      ElementType.FLOAT32),
                  SubmitOptions.defaults());
      ReloadResult first = reloader.reload(NAME, file).get(30, TimeUnit.SECONDS);
      assertThat(first.version()).isEqualTo("2");
      assertThat(registry.resolve(NAME)).isNotSameAs(old);

      List<CompletableFuture<ReloadResult>> pending = new ArrayList<>();
      for (int i = 0; i < ModelReloader.MAX_PENDING; i++) {
        pending.add(reloader.reload(NAME, file));
      }
      CompletableFuture<ReloadResult> refused = reloader.reload(NAME, file);
      assertThat(refused).isCompletedExceptionally();
      assertThat(AdminService.status(refused.handle((r, e) -> e).join()).getCode())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(pending).noneMatch(CompletableFuture::isDone);

      gate.countDown();
      held.get(30, TimeUnit.SECONDS); // the old version finished its work before closing
      for (CompletableFuture<ReloadResult> p : pending) {
        assertThat(p.get(60, TimeUnit.SECONDS).version()).isEqualTo("2");
      }
      assertThat(old.batcher().isClosing()).isTrue();
    } finally {
      gate.countDown();
      reloader.close();
      registry.close();
    }
  }
}
