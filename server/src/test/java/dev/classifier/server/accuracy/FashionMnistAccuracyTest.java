package dev.classifier.server.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.client.InputDtype;
import dev.classifier.client.eval.AccuracyResult;
import dev.classifier.client.eval.Evaluation;
import dev.classifier.client.eval.EvaluationOptions;
import dev.classifier.client.eval.Evaluator;
import dev.classifier.client.eval.IdxDataset;
import dev.classifier.client.eval.InputFactory;
import dev.classifier.client.eval.ProgressListener;
import dev.classifier.client.eval.SendMode;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.model.ModelSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The Fashion-MNIST model on the committed 1000-image test subset, evaluated through a real server
 * (Netty, ephemeral port) with the client's evaluator, against a direct in-process ONNX Runtime run
 * of the very same tensors: the counts must be identical for every transport and send mode.
 */
class FashionMnistAccuracyTest {
  private static final Path SUBSET = TestModels.fixture("fashion-mnist-test-1000");
  private static final Path FULL = Path.of("/usr/share/datasets/fashion-mnist");

  private static ClassifierServer server;
  private static ClassifierClient client;
  private static OrtSession reference;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder().maxBatchSize(32).maxQueueDelay(Duration.ofMillis(1)).build();
    server =
        new ClassifierServer(ServerConfig.of(0, List.of(TestModels.embedded(policy, 1)))).start();
    client = ClassifierClient.connect("127.0.0.1:" + server.port(), Duration.ofSeconds(60));
    reference =
        OrtEnvironment.getEnvironment()
            .createSession(ModelSource.embedded().onnx(), new OrtSession.SessionOptions());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.stop(Duration.ofSeconds(5));
    reference.close();
  }

  /** Top-1/Top-5 counts of a direct ONNX Runtime run of the client-built tensors. */
  private static long[] direct(IdxDataset data) throws Exception {
    InputFactory tensors =
        new InputFactory(client.encoder("", InputDtype.FLOAT32), SendMode.TENSOR);
    int batch = 100;
    long top1 = 0;
    long top5 = 0;
    for (int start = 0; start < data.size(); start += batch) {
      int n = Math.min(batch, data.size() - start);
      FloatBuffer buf =
          ByteBuffer.allocateDirect(n * 784 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      for (int i = 0; i < n; i++) {
        ImageInput in = tensors.build(data.get(start + i));
        buf.put(
            in.getTensor()
                .getData()
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer());
      }
      buf.flip();
      try (OnnxTensor t =
              OnnxTensor.createTensor(
                  OrtEnvironment.getEnvironment(), buf, new long[] {n, 1, 28, 28});
          OrtSession.Result r = reference.run(Map.of("input", t))) {
        float[][] logits = (float[][]) r.get(0).getValue();
        for (int i = 0; i < n; i++) {
          int truth = data.get(start + i).datasetClass();
          int better = 0; // classes scored strictly higher than the true class
          for (float v : logits[i]) {
            if (v > logits[i][truth]) {
              better++;
            }
          }
          top1 += better == 0 ? 1 : 0;
          top5 += better < 5 ? 1 : 0;
        }
      }
    }
    return new long[] {top1, top5};
  }

  private static Evaluation evaluate(IdxDataset data, EvaluationOptions options) throws Exception {
    return new Evaluator(client, options).run(data, ProgressListener.NONE);
  }

  @Test
  void subsetThroughTheServerEqualsDirectOnnxRuntimeForEveryTransport() throws Exception {
    IdxDataset data = IdxDataset.open(SUBSET);
    assertThat(data.size()).isEqualTo(1000);
    long[] expected = direct(data);
    // sanity: the model is far better than chance on this subset
    assertThat(expected[0]).isGreaterThan(850);

    EvaluationOptions unaryTensor = EvaluationOptions.defaults();
    for (EvaluationOptions o :
        List.of(
            unaryTensor, // UINT8 pixels: the server normalises
            unaryTensor.withStream(true),
            unaryTensor.withInputDtype(InputDtype.FLOAT32),
            unaryTensor.withInputDtype(InputDtype.FLOAT32).withStream(true),
            unaryTensor.withSend(SendMode.ENCODED),
            unaryTensor.withSend(SendMode.ENCODED).withStream(true))) {
      AccuracyResult a = evaluate(data, o).accuracy();
      assertThat(a.errors()).as("errors with %s", o).isZero();
      assertThat(a.evaluated()).isEqualTo(1000);
      assertThat(new long[] {a.top1Correct(), a.top5Correct()})
          .as("top-1/top-5 with %s", o)
          .containsExactly(expected);
    }
  }

  /**
   * The full 10,000-image test set (Debian package dataset-fashion-mnist); run with {@code
   * -Daccuracy.full=true}. Must equal direct ONNX Runtime and the training script's PyTorch figures
   * (9040 / 9987) within 0.1 percentage point.
   */
  @Test
  @EnabledIfSystemProperty(named = "accuracy.full", matches = "true")
  void fullTestSetMatchesOnnxRuntimeAndPyTorch() throws Exception {
    assertThat(Files.isDirectory(FULL))
        .as("%s (apt-get install dataset-fashion-mnist)", FULL)
        .isTrue();
    IdxDataset data = IdxDataset.open(FULL);
    long[] expected = direct(data);
    AccuracyResult a = evaluate(data, EvaluationOptions.defaults()).accuracy();
    assertThat(new long[] {a.top1Correct(), a.top5Correct()}).containsExactly(expected);
    assertThat(Math.abs(a.top1Correct() - 9040)).isLessThanOrEqualTo(10);
    assertThat(Math.abs(a.top5Correct() - 9987)).isLessThanOrEqualTo(10);
  }
}
