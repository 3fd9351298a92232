package dev.classifier.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.client.ImageEncoder;
import dev.classifier.client.InputDtype;
import dev.classifier.proto.v1.Classification;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.Prediction;
import dev.classifier.server.Accounting;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.model.ModelSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path over a real Netty server on an ephemeral port: client preprocessing, gRPC,
 * batching, ONNX Runtime, softmax and top-k, checked against a direct ONNX Runtime run.
 */
class NettyEndToEndTest {
  private static final double TOLERANCE = 1e-5;

  private static ClassifierServer server;
  private static ClassifierClient client;
  private static OrtSession reference;
  private static List<Path> samples;
  private static List<ImageInput> images;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(2)).build();
    server =
        new ClassifierServer(
                ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))).toBuilder()
                    .metricsPort(0)
                    .build())
            .start();
    client = ClassifierClient.connect("127.0.0.1:" + server.port(), Duration.ofSeconds(30));
    reference =
        OrtEnvironment.getEnvironment()
            .createSession(ModelSource.embedded().onnx(), new OrtSession.SessionOptions());
    samples = TestModels.samples();
    // FLOAT32: the direct ONNX Runtime reference below runs these very tensors
    ImageEncoder encoder = client.encoder("", InputDtype.FLOAT32);
    images = new ArrayList<>();
    for (Path p : samples) {
      images.add(encoder.encode(p));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    Accounting.settled(server).assertBalanced();
    server.stop(Duration.ofSeconds(5));
    reference.close();
  }

  /** Softmax of a direct, unbatched ONNX Runtime run of the same tensor. */
  private static double[] referenceProbabilities(ImageInput image) throws Exception {
    ByteBuffer data =
        ByteBuffer.allocateDirect(image.getTensor().getData().size())
            .order(ByteOrder.nativeOrder());
    image.getTensor().getData().copyTo(data);
    data.flip();
    try (OnnxTensor t =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(), data.asFloatBuffer(), new long[] {1, 1, 28, 28});
        OrtSession.Result r = reference.run(Map.of("input", t))) {
      float[] logits = ((float[][]) r.get(0).getValue())[0];
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits) {
        max = Math.max(max, v);
      }
      double sum = 0;
      double[] p = new double[logits.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = Math.exp(logits[i] - max);
        sum += p[i];
      }
      for (int i = 0; i < p.length; i++) {
        p[i] /= sum;
      }
      return p;
    }
  }

  private static void assertMatchesReference(Classification c, ImageInput image, int k)
      throws Exception {
    double[] ref = referenceProbabilities(image);
    assertThat(c.getPredictionsList()).hasSize(k);
    float previous = Float.POSITIVE_INFINITY;
    for (Prediction p : c.getPredictionsList()) {
      assertThat(Math.abs(p.getProbability() - ref[p.getIndex()])).isLessThanOrEqualTo(TOLERANCE);
      assertThat(p.getProbability()).isLessThanOrEqualTo(previous);
      previous = p.getProbability();
    }
    int best = 0;
    for (int i = 1; i < ref.length; i++) {
      if (ref[i] > ref[best]) {
        best = i;
      }
    }
    assertThat(c.getPredictions(0).getIndex()).isEqualTo(best);
  }

  @Test
  void eachImageAloneMatchesDirectOnnxRuntime() throws Exception {
    for (ImageInput image : images) {
      ClassifyResponse r =
          client.classify(ClassifyRequest.newBuilder().addImages(image).setTopK(3).build());
      assertThat(r.getModel()).isEqualTo("fashion-mnist");
      assertThat(r.getResultsList()).hasSize(1);
      assertMatchesReference(r.getResults(0), image, 3);
      assertThat(r.getResults(0).getTiming().getBatchSize()).isEqualTo(1);
    }
  }

  @Test
  void imagesBatchedTogetherMatchDirectOnnxRuntime() throws Exception {
    ClassifyResponse r =
        client.classify(ClassifyRequest.newBuilder().addAllImages(images).setTopK(10).build());
    assertThat(r.getResultsList()).hasSize(images.size());
    int maxBatch = 0;
    for (int i = 0; i < images.size(); i++) {
      assertMatchesReference(r.getResults(i), images.get(i), 10);
      maxBatch = Math.max(maxBatch, r.getResults(i).getTiming().getBatchSize());
    }
    assertThat(maxBatch).isGreaterThan(1).isLessThanOrEqualTo(8);
  }

  @Test
  void theEmbeddedModelGetsMostSamplesRight() throws Exception {
    ClassifyResponse r = client.classifyFiles("", samples, 1);
    int correct = 0;
    for (int i = 0; i < samples.size(); i++) {
      if (r.getResults(i).getPredictions(0).getIndex() == TestModels.sampleClass(samples.get(i))) {
        correct++;
      }
    }
    // The model scores 90.4% on the test set; 17 of these 20 samples are right.
    assertThat(correct).isGreaterThanOrEqualTo(15);
    // each top label is the Fashion-MNIST class name of its index (the dataset's documented order)
    List<String> classes =
        List.of(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot");
    for (int i = 0; i < samples.size(); i++) {
      var top = r.getResults(i).getPredictions(0);
      assertThat(top.getLabel()).as("sample %d", i).isEqualTo(classes.get(top.getIndex()));
    }
  }

  @Test
  void concurrentRequestsFormBatchesAndEachGetsExactlyOneAnswer() throws Exception {
    int concurrency = 64;
    List<CompletableFuture<ClassifyResponse>> calls = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      calls.add(
          client.classifyAsync(
              ClassifyRequest.newBuilder().addImages(images.get(i % images.size())).build()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    int maxBatch = 0;
    for (int i = 0; i < concurrency; i++) {
      ClassifyResponse r = calls.get(i).join();
      assertThat(r.getResultsList()).hasSize(1);
      assertMatchesReference(r.getResults(0), images.get(i % images.size()), 5);
      maxBatch = Math.max(maxBatch, r.getResults(0).getTiming().getBatchSize());
    }
    assertThat(maxBatch).isGreaterThan(1);
  }

  @Test
  void modelInfoPublishesThePreprocessingSpec() {
    ModelInfo info = client.modelInfo("");
    assertThat(info.getName()).isEqualTo("fashion-mnist");
    assertThat(info.getIsDefault()).isTrue();
    assertThat(info.getDynamicBatch()).isTrue();
    assertThat(info.getInput().getShapeList()).containsExactly(-1L, 1L, 28L, 28L);
    assertThat(info.getNumClasses()).isEqualTo(10);
    assertThat(info.getLabelsList()).hasSize(10).contains("Ankle boot");
    assertThat(info.getPreprocessing().getWidth()).isEqualTo(28);
    assertThat(info.getPreprocessing().getMean(0)).isEqualTo(0.286f);
    assertThat(info.getBatching().getMaxBatchSize()).isEqualTo(8);
    assertThat(server.transport()).isEqualTo("epoll");
  }
}
