package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.server.InProcessClassifier;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** NaN or infinite pixels are INVALID_ARGUMENT, never a ranking of NaN probabilities. */
class NonFiniteInputTest {
  private static InProcessClassifier server;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(8).build();
    server = new InProcessClassifier(List.of(TestModels.load(TestModels.embedded(policy, 1))), 16);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void oneNaNPixelIsInvalidArgument() {
    float[] pixels = Tensors.randomFloats(new Random(3), 784);
    pixels[123] = Float.NaN;
    ClassifyRequest request =
        ClassifyRequest.newBuilder()
            .addImages(Tensors.image(Tensors.float32(pixels, 1, 28, 28)))
            .build();
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> server.blocking().classify(request));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("non-finite");

    ClassifyResponse ok =
        server
            .blocking()
            .classify(
                ClassifyRequest.newBuilder().addImages(Tensors.randomMnist(new Random(4))).build());
    assertThat(ok.getResults(0).getPredictions(0).getProbability()).isBetween(0f, 1f);
  }

  @Test
  void hugeFiniteInputsAreInternalNotNaNProbabilities() {
    float[] pixels = new float[784];
    java.util.Arrays.fill(pixels, 3e38f);
    ClassifyRequest request =
        ClassifyRequest.newBuilder()
            .addImages(Tensors.image(Tensors.float32(pixels, 1, 28, 28)))
            .build();
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> server.blocking().classify(request));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getDescription()).contains("model produced a non-finite score");
  }
}
