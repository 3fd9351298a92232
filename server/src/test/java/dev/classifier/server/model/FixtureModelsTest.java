package dev.classifier.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.Prediction;
import dev.classifier.server.InProcessClassifier;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The odd-shaped ONNX fixtures (fixed batch 1, uint8 NHWC input, probability output, RGB) load,
 * report the right metadata, and produce PyTorch's outputs (recorded in {@code *.expected.json}).
 */
class FixtureModelsTest {
  private static InProcessClassifier server;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(1)).build();
    List<ServedModel> models = new ArrayList<>();
    for (String f : List.of("fixed_batch1", "uint8_nhwc", "probabilities", "rgb_tiny")) {
      models.add(TestModels.load(TestModels.fixtureModel(f + ".onnx", policy, 1)));
    }
    server = new InProcessClassifier(models, 16);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static ModelInfo info(String model) {
    return server.blocking().getModelInfo(GetModelInfoRequest.newBuilder().setModel(model).build());
  }

  /** Expected probabilities for the fixture's constant-input cases, by the constant. */
  private static List<double[]> expected(String fixture, boolean logits) throws Exception {
    JsonNode root =
        new ObjectMapper().readTree(TestModels.fixture(fixture + ".expected.json").toFile());
    List<double[]> out = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      if (!c.get("input").asText().startsWith("all elements")) {
        continue;
      }
      double[] v = new double[c.get("output").size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = c.get("output").get(i).asDouble();
      }
      if (logits) {
        double max = Arrays.stream(v).max().orElseThrow();
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.exp(v[i] - max);
          sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
          v[i] /= sum;
        }
      }
      out.add(v);
    }
    return out;
  }

  private static float constant(String fixture, int caseIndex) throws Exception {
    JsonNode root =
        new ObjectMapper().readTree(TestModels.fixture(fixture + ".expected.json").toFile());
    String text = root.get("cases").get(caseIndex).get("input").asText();
    return Float.parseFloat(text.substring("all elements ".length()));
  }

  private static void assertProbabilities(ClassifyResponse r, double[] expected) {
    for (Prediction p : r.getResults(0).getPredictionsList()) {
      assertThat((double) p.getProbability())
          .isCloseTo(expected[p.getIndex()], org.assertj.core.data.Offset.offset(2e-4));
    }
  }

  @Test
  void fixedBatchOneModelRunsBatchesOfOneEvenUnderConcurrency() throws Exception {
    ModelInfo info = info("fixed_batch1");
    assertThat(info.getDynamicBatch()).isFalse();
    assertThat(info.getBatching().getMaxBatchSize()).isEqualTo(1);
    List<double[]> expected = expected("fixed_batch1", true);
    List<CompletableFuture<ClassifyResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      float value = constant("fixed_batch1", i % 2);
      float[] pixels = new float[784];
      Arrays.fill(pixels, value);
      CompletableFuture<ClassifyResponse> f = new CompletableFuture<>();
      server
          .async()
          .classify(
              ClassifyRequest.newBuilder()
                  .setModel("fixed_batch1")
                  .setTopK(10)
                  .addImages(Tensors.image(Tensors.float32(pixels, 1, 1, 28, 28)))
                  .build(),
              new CompletingObserver<>(f));
      calls.add(f);
    }
    for (int i = 0; i < calls.size(); i++) {
      ClassifyResponse r = calls.get(i).get(30, TimeUnit.SECONDS);
      assertThat(r.getResults(0).getTiming().getBatchSize()).isEqualTo(1);
      assertProbabilities(r, expected.get(i % 2));
    }
  }

  @Test
  void uint8NhwcModelTakesRawPixels() throws Exception {
    ModelInfo info = info("uint8_nhwc");
    assertThat(info.getInput().getDtype().name()).isEqualTo("UINT8");
    assertThat(info.getInput().getLayout().name()).isEqualTo("NHWC");
    assertThat(info.getInput().getShapeList()).containsExactly(-1L, 28L, 28L, 1L);
    List<double[]> expected = expected("uint8_nhwc", true);
    for (int c = 0; c < 2; c++) {
      byte[] pixels = new byte[784];
      Arrays.fill(pixels, (byte) (int) constant("uint8_nhwc", c));
      ImageInput image = Tensors.image(Tensors.uint8(pixels, 28, 28, 1));
      ClassifyResponse r =
          server
              .blocking()
              .classify(
                  ClassifyRequest.newBuilder()
                      .setModel("uint8_nhwc")
                      .setTopK(10)
                      .addImages(image)
                      .build());
      assertProbabilities(r, expected.get(c));
    }
  }

  @Test
  void probabilityOutputIsDetectedAndNotSoftmaxedTwice() throws Exception {
    ModelInfo info = info("probabilities");
    assertThat(info.getOutputKind().name()).isEqualTo("PROBABILITIES");
    List<double[]> expected = expected("probabilities", false);
    float[] zeros = new float[784];
    ClassifyResponse r =
        server
            .blocking()
            .classify(
                ClassifyRequest.newBuilder()
                    .setModel("probabilities")
                    .setTopK(10)
                    .addImages(Tensors.image(Tensors.float32(zeros, 1, 28, 28)))
                    .build());
    assertProbabilities(r, expected.get(0));
  }

  @Test
  void rgbModelPublishesImagenetStylePreprocessing() throws Exception {
    ModelInfo info = info("rgb_tiny");
    assertThat(info.getNumClasses()).isEqualTo(5);
    assertThat(info.getPreprocessing().getColorMode().name()).isEqualTo("RGB");
    assertThat(info.getPreprocessing().getResizeShorterSide()).isEqualTo(36);
    assertThat(info.getPreprocessing().getMeanList()).containsExactly(0.485f, 0.456f, 0.406f);
    List<double[]> expected = expected("rgb_tiny", true);
    float[] half = new float[3 * 32 * 32];
    Arrays.fill(half, constant("rgb_tiny", 1));
    ClassifyResponse r =
        server
            .blocking()
            .classify(
                ClassifyRequest.newBuilder()
                    .setModel("rgb_tiny")
                    .addImages(Tensors.image(Tensors.float32(half, 3, 32, 32)))
                    .build());
    assertThat(r.getResults(0).getPredictionsList()).hasSize(5);
    assertProbabilities(r, expected.get(1));
  }

  /** Completes a future with a unary call's single response. */
  static final class CompletingObserver<T> implements io.grpc.stub.StreamObserver<T> {
    private final CompletableFuture<T> future;
    private T value;

    CompletingObserver(CompletableFuture<T> future) {
      this.future = future;
    }

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      future.complete(value);
    }
  }
}
