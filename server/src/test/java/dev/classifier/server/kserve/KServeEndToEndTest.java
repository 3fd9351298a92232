package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.client.InputDtype;
import dev.classifier.client.eval.IdxDataset;
import dev.classifier.client.eval.InputFactory;
import dev.classifier.client.eval.SendMode;
import dev.classifier.proto.inference.DataType;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.classifier.proto.inference.InferParameter;
import dev.classifier.proto.inference.InferTensorContents;
import dev.classifier.proto.inference.ModelConfig;
import dev.classifier.proto.inference.ModelConfigRequest;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferRequest.InferInputTensor;
import dev.classifier.proto.inference.ModelInferRequest.InferRequestedOutputTensor;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.inference.ModelInput;
import dev.classifier.proto.inference.ModelMetadataRequest;
import dev.classifier.proto.inference.ModelMetadataResponse;
import dev.classifier.proto.inference.ModelReadyRequest;
import dev.classifier.proto.inference.ModelStatistics;
import dev.classifier.proto.inference.ModelStatisticsRequest;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.proto.inference.ServerLiveRequest;
import dev.classifier.proto.inference.ServerMetadataRequest;
import dev.classifier.proto.inference.ServerMetadataResponse;
import dev.classifier.proto.inference.ServerReadyRequest;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Prediction;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol over a real Netty server on an ephemeral port, on the same port as
 * classifier.v1: the Fashion-MNIST 1000-image subset through ModelInfer (raw and typed contents)
 * and ModelStreamInfer answers exactly as Classify does; the classification extension, metadata,
 * configuration, readiness and statistics for every served model; documented codes for bad input.
 */
class KServeEndToEndTest {
  private static final String FASHION = "fashion-mnist";
  private static final String UINT8 = "uint8_nhwc";
  private static final int CHUNK = 50;

  private static ClassifierServer server;
  private static ClassifierClient client;
  private static GRPCInferenceServiceBlockingStub kserve;
  private static IdxDataset subset;

  /** Per image of the subset, the client-preprocessed FLOAT32 tensor (NCHW [1,28,28]). */
  private static List<ByteString> tensors;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(32)
            .maxQueueDelay(Duration.ofMillis(1))
            .preferredBatchSizes(8, 16)
            .priorityLevels(2)
            .build();
    server =
        new ClassifierServer(
                ServerConfig.of(
                    0,
                    List.of(
                        TestModels.embedded(policy, 1),
                        TestModels.fixtureModel("uint8_nhwc.onnx", policy, 2))))
            .start();
    client = ClassifierClient.connect("127.0.0.1:" + server.port(), Duration.ofSeconds(60));
    kserve =
        GRPCInferenceServiceGrpc.newBlockingStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS);
    subset = IdxDataset.open(TestModels.fixture("fashion-mnist-test-1000"));
    InputFactory factory =
        new InputFactory(client.encoder(FASHION, InputDtype.FLOAT32), SendMode.TENSOR);
    tensors = new ArrayList<>();
    for (int i = 0; i < subset.size(); i++) {
      tensors.add(factory.build(subset.get(i)).getTensor().getData());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.stop(Duration.ofSeconds(5));
  }

  private static float[] floats(ByteString le) {
    ByteBuffer b = le.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[le.size() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static InferInputTensor.Builder input(int n) {
    return InferInputTensor.newBuilder()
        .setName("input")
        .setDatatype("FP32")
        .addShape(n)
        .addShape(1)
        .addShape(28)
        .addShape(28);
  }

  private static ByteString concat(int from, int n) {
    ByteString all = ByteString.EMPTY;
    for (int i = from; i < from + n; i++) {
      all = all.concat(tensors.get(i));
    }
    return all;
  }

  private static ModelInferRequest raw(int from, int n) {
    return ModelInferRequest.newBuilder()
        .setModelName(FASHION)
        .setId("raw-" + from)
        .addInputs(input(n))
        .addRawInputContents(concat(from, n))
        .build();
  }

  private static ModelInferRequest typed(int from, int n) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (float v : floats(concat(from, n))) {
      c.addFp32Contents(v);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(FASHION)
        .setId("typed-" + from)
        .addInputs(input(n).setContents(c))
        .build();
  }

  /** Probabilities [image][class] from Classify with top_k = all classes. */
  private static float[][] classify() {
    float[][] out = new float[subset.size()][10];
    for (int from = 0; from < subset.size(); from += CHUNK) {
      ClassifyRequest.Builder r = ClassifyRequest.newBuilder().setModel(FASHION).setTopK(10);
      for (int i = from; i < from + CHUNK; i++) {
        r.addImages(
            ImageInput.newBuilder()
                .setTensor(
                    Tensor.newBuilder()
                        .setDtype(dev.classifier.proto.v1.DataType.FLOAT32)
                        .addShape(1)
                        .addShape(28)
                        .addShape(28)
                        .setData(tensors.get(i))));
      }
      ClassifyResponse resp = client.classify(r.build());
      for (int i = 0; i < CHUNK; i++) {
        for (Prediction p : resp.getResults(i).getPredictionsList()) {
          out[from + i][p.getIndex()] = p.getProbability();
        }
      }
    }
    return out;
  }

  /** Probabilities of one response's FP32 output, from raw or typed contents. */
  private static float[][] probabilities(ModelInferResponse r) {
    assertThat(r.getOutputs(0).getDatatype()).isEqualTo("FP32");
    int n = (int) r.getOutputs(0).getShape(0);
    assertThat(r.getOutputs(0).getShapeList()).containsExactly((long) n, 10L);
    float[] flat;
    if (r.getRawOutputContentsCount() > 0) {
      assertThat(r.getOutputs(0).hasContents()).isFalse();
      flat = floats(r.getRawOutputContents(0));
    } else {
      flat = new float[r.getOutputs(0).getContents().getFp32ContentsCount()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = r.getOutputs(0).getContents().getFp32Contents(i);
      }
    }
    assertThat(flat).hasSize(n * 10);
    float[][] out = new float[n][10];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * 10, out[i], 0, 10);
    }
    return out;
  }

  /** Top-1 and top-5 counts: classes scored strictly higher than the true class. */
  private static long[] counts(float[][] probs) {
    long top1 = 0;
    long top5 = 0;
    for (int i = 0; i < probs.length; i++) {
      int truth = subset.get(i).datasetClass();
      int better = 0;
      for (float v : probs[i]) {
        if (v > probs[i][truth]) {
          better++;
        }
      }
      top1 += better == 0 ? 1 : 0;
      top5 += better < 5 ? 1 : 0;
    }
    return new long[] {top1, top5};
  }

  private static void assertSame(float[][] expected, float[][] actual, String how) {
    assertThat(actual.length).as(how).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      for (int c = 0; c < 10; c++) {
        assertThat(actual[i][c])
            .as("%s image %d class %d", how, i, c)
            .isCloseTo(expected[i][c], within(1e-6f));
      }
    }
    assertThat(counts(actual)).as(how).containsExactly(counts(expected));
  }

  private static float[][] unary(boolean raw) {
    float[][] out = new float[subset.size()][];
    for (int from = 0; from < subset.size(); from += CHUNK) {
      ModelInferRequest req = raw ? raw(from, CHUNK) : typed(from, CHUNK);
      ModelInferResponse r = kserve.modelInfer(req);
      assertThat(r.getId()).isEqualTo(req.getId());
      assertThat(r.getModelName()).isEqualTo(FASHION);
      assertThat(r.getModelVersion()).isEqualTo("1");
      assertThat(r.getRawOutputContentsCount()).isEqualTo(raw ? 1 : 0);
      float[][] p = probabilities(r);
      System.arraycopy(p, 0, out, from, CHUNK);
    }
    return out;
  }

  @Test
  void subsetThroughModelInferRawTypedAndStreamEqualsClassify() throws Exception {
    float[][] expected = classify();
    assertThat(counts(expected)[0]).as("far better than chance").isGreaterThan(850);
    assertSame(expected, unary(true), "ModelInfer raw");
    assertSame(expected, unary(false), "ModelInfer typed");
    assertSame(expected, stream(), "ModelStreamInfer");
  }

  /** Every image as its own stream item, raw and typed alternating; answers matched by id. */
  private static float[][] stream() throws Exception {
    Map<String, ModelStreamInferResponse> answers = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<ModelInferRequest> requests =
        GRPCInferenceServiceGrpc.newStub(client.channel())
            .withDeadlineAfter(120, TimeUnit.SECONDS)
            .modelStreamInfer(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ModelStreamInferResponse r) {
                    answers.put(r.getInferResponse().getId(), r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    for (int i = 0; i < subset.size(); i++) {
      ModelInferRequest r = i % 2 == 0 ? raw(i, 1) : typed(i, 1);
      requests.onNext(r.toBuilder().setId("item-" + i).build());
    }
    requests.onCompleted();
    assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
    assertThat(answers).hasSize(subset.size());
    float[][] out = new float[subset.size()][];
    for (int i = 0; i < subset.size(); i++) {
      ModelStreamInferResponse a = answers.get("item-" + i);
      assertThat(a.getErrorMessage()).isEmpty();
      out[i] = probabilities(a.getInferResponse())[0];
    }
    return out;
  }

  private static ModelInferRequest withClassification(ModelInferRequest r, long n) {
    return r.toBuilder()
        .addOutputs(
            InferRequestedOutputTensor.newBuilder()
                .setName("logits")
                .putParameters(
                    "classification", InferParameter.newBuilder().setInt64Param(n).build()))
        .build();
  }

  /** BYTES elements from raw (4-byte little-endian length, then bytes) or typed contents. */
  private static List<String> strings(ModelInferResponse r) {
    List<String> out = new ArrayList<>();
    if (r.getRawOutputContentsCount() > 0) {
      ByteBuffer b =
          r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        out.add(new String(s, java.nio.charset.StandardCharsets.UTF_8));
      }
    } else {
      r.getOutputs(0).getContents().getBytesContentsList().forEach(s -> out.add(s.toStringUtf8()));
    }
    return out;
  }

  @Test
  void classificationExtensionRanksLikeTheProbabilityTensor() throws Exception {
    List<String> labels =
        Files.readAllLines(
            java.nio.file.Path.of("src/main/resources/models/fashion-mnist/labels.txt"));
    float[][] probs = probabilities(kserve.modelInfer(raw(0, 20)));
    for (boolean raw : new boolean[] {true, false}) {
      ModelInferResponse r =
          kserve.modelInfer(withClassification(raw ? raw(0, 20) : typed(0, 20), 3));
      assertThat(r.getOutputs(0).getName()).isEqualTo("logits");
      assertThat(r.getOutputs(0).getDatatype()).isEqualTo("BYTES");
      assertThat(r.getOutputs(0).getShapeList()).containsExactly(20L, 3L);
      List<String> s = strings(r);
      assertThat(s).hasSize(60);
      for (int i = 0; i < 20; i++) {
        float previous = Float.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
          String[] parts = s.get(i * 3 + k).split(":", 3);
          float score = Float.parseFloat(parts[0]);
          int index = Integer.parseInt(parts[1]);
          assertThat(parts[2]).isEqualTo(labels.get(index));
          assertThat(score).isEqualTo(probs[i][index]);
          assertThat(score).isLessThanOrEqualTo(previous);
          previous = score;
          // exactly k classes score strictly higher
          int higher = 0;
          for (float p : probs[i]) {
            higher += p > score ? 1 : 0;
          }
          assertThat(higher).isLessThanOrEqualTo(k);
        }
      }
    }
    // N above the class count is capped to it
    ModelInferResponse all = kserve.modelInfer(withClassification(raw(0, 1), 50));
    assertThat(all.getOutputs(0).getShapeList()).containsExactly(1L, 10L);
  }

  @Test
  void theSyntheticWarmupRequestIsAnsweredForEveryServedModel() {
    for (String name : List.of(FASHION, UINT8)) {
      ModelInferResponse r =
          kserve.modelInfer(InferenceService.syntheticRequest(server.registry().resolve(name)));
      assertThat(r.getModelName()).isEqualTo(name);
      assertThat(r.getOutputs(0).getShapeList()).containsExactly(1L, 10L);
    }
  }

  @Test
  void readinessAndServerMetadata() {
    assertThat(kserve.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    for (String m : List.of(FASHION, UINT8)) {
      assertThat(kserve.modelReady(ModelReadyRequest.newBuilder().setName(m).build()).getReady())
          .as(m)
          .isTrue();
      assertThat(
              kserve
                  .modelReady(ModelReadyRequest.newBuilder().setName(m).setVersion("1").build())
                  .getReady())
          .isTrue();
    }
    assertThat(kserve.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady())
        .isFalse();
    assertThat(
            kserve
                .modelReady(ModelReadyRequest.newBuilder().setName(FASHION).setVersion("7").build())
                .getReady())
        .isFalse();
    ServerMetadataResponse meta = kserve.serverMetadata(ServerMetadataRequest.getDefaultInstance());
    assertThat(meta.getName()).isEqualTo("classifier");
    assertThat(meta.getVersion()).isNotEmpty();
    assertThat(meta.getExtensionsList())
        .containsExactlyInAnyOrder(
            "classification", "model_configuration", "statistics", "schedule_policy");
  }

  @Test
  void modelMetadataAndConfigDescribeEveryServedModel() {
    // expected shapes and types: the fixtures' README and the embedded model's definition
    ModelMetadataResponse f =
        kserve.modelMetadata(ModelMetadataRequest.newBuilder().setName(FASHION).build());
    assertThat(f.getName()).isEqualTo(FASHION);
    assertThat(f.getVersionsList()).containsExactly("1");
    assertThat(f.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(f.getInputs(0).getName()).isEqualTo("input");
    assertThat(f.getInputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(f.getInputs(0).getShapeList()).containsExactly(-1L, 1L, 28L, 28L);
    assertThat(f.getOutputs(0).getName()).isEqualTo("logits");
    assertThat(f.getOutputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(f.getOutputs(0).getShapeList()).containsExactly(-1L, 10L);

    ModelMetadataResponse u =
        kserve.modelMetadata(ModelMetadataRequest.newBuilder().setName(UINT8).build());
    assertThat(u.getInputs(0).getDatatype()).isEqualTo("UINT8");
    assertThat(u.getInputs(0).getShapeList()).containsExactly(-1L, 28L, 28L, 1L);
    assertThat(u.getOutputs(0).getShapeList()).containsExactly(-1L, 10L);

    ModelConfig fc =
        kserve.modelConfig(ModelConfigRequest.newBuilder().setName(FASHION).build()).getConfig();
    assertThat(fc.getName()).isEqualTo(FASHION);
    assertThat(fc.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(fc.getBackend()).isEqualTo("onnxruntime");
    assertThat(fc.getMaxBatchSize()).isEqualTo(32);
    assertThat(fc.getInput(0).getDataType()).isEqualTo(DataType.TYPE_FP32);
    assertThat(fc.getInput(0).getFormat()).isEqualTo(ModelInput.Format.FORMAT_NCHW);
    assertThat(fc.getInput(0).getDimsList()).containsExactly(1L, 28L, 28L);
    assertThat(fc.getOutput(0).getDimsList()).containsExactly(10L);
    assertThat(fc.getOutput(0).getLabelFilename()).isNotEmpty();
    assertThat(fc.hasDynamicBatching()).isTrue();
    assertThat(fc.getDynamicBatching().getPreferredBatchSizeList()).containsExactly(8, 16);
    assertThat(fc.getDynamicBatching().getMaxQueueDelayMicroseconds()).isEqualTo(1000);
    assertThat(fc.getDynamicBatching().getPriorityLevels()).isEqualTo(2);
    assertThat(fc.getInstanceGroup(0).getCount()).isEqualTo(1);

    ModelConfig uc =
        kserve.modelConfig(ModelConfigRequest.newBuilder().setName(UINT8).build()).getConfig();
    assertThat(uc.getInput(0).getDataType()).isEqualTo(DataType.TYPE_UINT8);
    assertThat(uc.getInput(0).getFormat()).isEqualTo(ModelInput.Format.FORMAT_NHWC);
    assertThat(uc.getInput(0).getDimsList()).containsExactly(28L, 28L, 1L);
    assertThat(uc.getInstanceGroup(0).getCount()).isEqualTo(2);

    assertThatThrownBy(
            () -> kserve.modelConfig(ModelConfigRequest.newBuilder().setName("nope").build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(
            () ->
                kserve.modelMetadata(
                    ModelMetadataRequest.newBuilder().setName(FASHION).setVersion("2").build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  private static ModelStatistics stats(String model) {
    return kserve
        .modelStatistics(ModelStatisticsRequest.newBuilder().setName(model).build())
        .getModelStats(0);
  }

  @Test
  void statisticsCountImagesBatchesAndDurationsOfBothProtocols() {
    ModelStatistics before = stats(UINT8);
    long firstSentMillis = System.currentTimeMillis();
    byte[] pixels = subset.get(0).gray();
    ByteString three =
        ByteString.copyFrom(pixels)
            .concat(ByteString.copyFrom(pixels))
            .concat(ByteString.copyFrom(pixels));
    ModelInferResponse r =
        kserve.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName(UINT8)
                .addInputs(
                    InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype("UINT8")
                        .addShape(3)
                        .addShape(28)
                        .addShape(28)
                        .addShape(1))
                .addRawInputContents(three)
                .build());
    assertThat(r.getOutputs(0).getShapeList()).containsExactly(3L, 10L);
    client.classify(
        ClassifyRequest.newBuilder()
            .setModel(UINT8)
            .addImages(
                ImageInput.newBuilder()
                    .setTensor(
                        Tensor.newBuilder()
                            .setDtype(dev.classifier.proto.v1.DataType.UINT8)
                            .addShape(28)
                            .addShape(28)
                            .addShape(1)
                            .setData(ByteString.copyFrom(pixels))))
            .build());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(stats(UINT8).getInferenceCount() - before.getInferenceCount())
                    .isEqualTo(4));
    ModelStatistics after = stats(UINT8);
    assertThat(after.getName()).isEqualTo(UINT8);
    assertThat(after.getVersion()).isEqualTo("1");
    // epoch milliseconds of the last of these inferences: between the first send and now
    assertThat(after.getLastInference()).isBetween(firstSentMillis, System.currentTimeMillis());
    var s = after.getInferenceStats();
    var b = before.getInferenceStats();
    assertThat(s.getSuccess().getCount() - b.getSuccess().getCount()).isEqualTo(4);
    assertThat(s.getSuccess().getNs()).isGreaterThan(b.getSuccess().getNs());
    assertThat(s.getQueue().getCount() - b.getQueue().getCount()).isEqualTo(4);
    long executions = after.getExecutionCount() - before.getExecutionCount();
    assertThat(executions).isBetween(2L, 4L);
    assertThat(s.getComputeInfer().getCount() - b.getComputeInfer().getCount())
        .isEqualTo(executions);
    long batches =
        after.getBatchStatsList().stream().mapToLong(x -> x.getComputeInfer().getCount()).sum();
    long batchesBefore =
        before.getBatchStatsList().stream().mapToLong(x -> x.getComputeInfer().getCount()).sum();
    assertThat(batches - batchesBefore).isEqualTo(executions);
    long images =
        after.getBatchStatsList().stream()
            .mapToLong(x -> x.getBatchSize() * x.getComputeInfer().getCount())
            .sum();
    assertThat(images).isEqualTo(after.getInferenceCount());
    // empty name: every served model
    assertThat(
            kserve.modelStatistics(ModelStatisticsRequest.getDefaultInstance()).getModelStatsList())
        .extracting(ModelStatistics::getName)
        .containsExactlyInAnyOrder(FASHION, UINT8);
  }

  private static Status.Code code(ModelInferRequest r) {
    try {
      kserve.modelInfer(r);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getDescription()).isNotBlank().hasSizeLessThan(500);
      return e.getStatus().getCode();
    }
  }

  @Test
  void badRequestsGetTheDocumentedCodes() {
    ModelInferRequest good = raw(0, 2);
    assertThat(code(good)).isEqualTo(Status.Code.OK);
    Map<String, ModelInferRequest> invalid = new java.util.LinkedHashMap<>();
    invalid.put(
        "raw and typed at once",
        good.toBuilder()
            .setInputs(0, input(2).setContents(InferTensorContents.newBuilder().addFp32Contents(1)))
            .build());
    invalid.put(
        "raw one byte short",
        good.toBuilder().setRawInputContents(0, concat(0, 2).substring(1)).build());
    invalid.put(
        "two raw entries for one input",
        good.toBuilder().addRawInputContents(concat(0, 2)).build());
    invalid.put(
        "typed count wrong",
        typed(0, 2).toBuilder()
            .setInputs(0, input(3).setContents(typed(0, 2).getInputs(0).getContents()))
            .build());
    invalid.put(
        "wrong datatype", good.toBuilder().setInputs(0, input(2).setDatatype("FP16")).build());
    invalid.put("wrong input name", good.toBuilder().setInputs(0, input(2).setName("x")).build());
    invalid.put(
        "no batch dimension",
        good.toBuilder()
            .setInputs(
                0,
                InferInputTensor.newBuilder()
                    .setName("input")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(28)
                    .addShape(28))
            .build());
    invalid.put("batch 0", good.toBuilder().setInputs(0, input(2).setShape(0, 0)).build());
    invalid.put("no inputs", good.toBuilder().clearInputs().clearRawInputContents().build());
    invalid.put(
        "unknown output",
        good.toBuilder()
            .addOutputs(InferRequestedOutputTensor.newBuilder().setName("nope"))
            .build());
    invalid.put("negative classification", withClassification(good, -1));
    invalid.put(
        "negative timeout",
        good.toBuilder()
            .putParameters("timeout", InferParameter.newBuilder().setInt64Param(-1).build())
            .build());
    invalid.put(
        "string priority",
        good.toBuilder()
            .putParameters("priority", InferParameter.newBuilder().setStringParam("high").build())
            .build());
    invalid.put(
        "uint8 element above 255",
        ModelInferRequest.newBuilder()
            .setModelName(UINT8)
            .addInputs(
                InferInputTensor.newBuilder()
                    .setName("input")
                    .setDatatype("UINT8")
                    .addShape(1)
                    .addShape(28)
                    .addShape(28)
                    .addShape(1)
                    .setContents(uint8Contents(784, 256)))
            .build());
    invalid.forEach(
        (why, r) -> assertThat(code(r)).as(why).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(code(good.toBuilder().setModelName("nope").build()))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(good.toBuilder().setModelVersion("9").build()))
        .isEqualTo(Status.Code.NOT_FOUND);
    // honoured parameters and ignored unknown ones
    assertThat(
            code(
                good.toBuilder()
                    .putParameters("priority", InferParameter.newBuilder().setInt64Param(1).build())
                    .putParameters(
                        "timeout", InferParameter.newBuilder().setInt64Param(30_000_000).build())
                    .putParameters(
                        "some_other", InferParameter.newBuilder().setBoolParam(true).build())
                    .build()))
        .isEqualTo(Status.Code.OK);
    assertThat(
            code(
                ModelInferRequest.newBuilder()
                    .setModelName(UINT8)
                    .addInputs(
                        InferInputTensor.newBuilder()
                            .setName("input")
                            .setDatatype("UINT8")
                            .addShape(1)
                            .addShape(28)
                            .addShape(28)
                            .addShape(1)
                            .setContents(uint8Contents(784, 255)))
                    .build()))
        .isEqualTo(Status.Code.OK);
  }

  private static InferTensorContents uint8Contents(int n, int value) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (int i = 0; i < n; i++) {
      c.addUintContents(i == n - 1 ? value : 0);
    }
    return c.build();
  }

  @Test
  void aBadStreamItemGetsAnErrorMessageAndTheStreamGoesOn() throws Exception {
    List<ModelStreamInferResponse> answers =
        java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<ModelInferRequest> requests =
        GRPCInferenceServiceGrpc.newStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .modelStreamInfer(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ModelStreamInferResponse r) {
                    answers.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    requests.onNext(raw(0, 1).toBuilder().setId("a").build());
    requests.onNext(raw(0, 1).toBuilder().setId("bad").setModelName("nope").build());
    requests.onNext(
        raw(0, 1).toBuilder()
            .setId("short")
            .setRawInputContents(0, ByteString.copyFrom(new byte[3]))
            .build());
    requests.onNext(raw(1, 1).toBuilder().setId("b").build());
    requests.onCompleted();
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    Map<String, ModelStreamInferResponse> byId = new java.util.HashMap<>();
    answers.forEach(a -> byId.put(a.getInferResponse().getId(), a));
    assertThat(byId).containsOnlyKeys("a", "bad", "short", "b");
    assertThat(byId.get("a").getErrorMessage()).isEmpty();
    assertThat(byId.get("b").getErrorMessage()).isEmpty();
    assertThat(byId.get("bad").getErrorMessage()).startsWith("NOT_FOUND: ");
    assertThat(byId.get("short").getErrorMessage()).startsWith("INVALID_ARGUMENT: ");
  }
}
