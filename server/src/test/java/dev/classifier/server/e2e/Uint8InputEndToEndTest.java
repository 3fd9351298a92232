package dev.classifier.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.client.Specs;
import dev.classifier.imaging.ImageDecoder;
import dev.classifier.imaging.ImagePreprocessor;
import dev.classifier.imaging.ImageTensor;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.proto.convert.PreprocessingSpecs;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.InferTensorContents;
import dev.classifier.proto.inference.ModelConfigRequest;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferRequest.InferInputTensor;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.Prediction;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UINT8 pixels sent to FLOAT32 models over a real Netty server: the server applies the model's
 * scale, mean and std while copying into the batch, and the probabilities equal (to 1e-6) those of
 * the FLOAT32 tensor the client encoder makes of the same image, over Classify (unary and stream)
 * and KServe ModelInfer (raw and typed contents), for a grayscale model (Fashion-MNIST, the
 * committed sample PNGs) and an RGB one (rgb_tiny, random images). Both tensors come from the
 * imaging module's encoder run by this test; the server never sees the FLOAT32 spec's output for
 * the uint8 requests. A model whose spec says it takes raw pixels advertises no widening, and bad
 * uint8 lengths are INVALID_ARGUMENT.
 */
class Uint8InputEndToEndTest {
  private static final String FASHION = "fashion-mnist";
  private static final String RGB = "rgb_tiny";
  private static final float TOLERANCE = 1e-6f;

  private static ClassifierServer server;
  private static ClassifierClient client;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(1)).build();
    server =
        new ClassifierServer(
                ServerConfig.of(
                    0,
                    List.of(
                        TestModels.embedded(policy, 1),
                        TestModels.fixtureModel("rgb_tiny.onnx", policy, 1),
                        TestModels.fixtureModel("uint8_nhwc.onnx", policy, 1))))
            .start();
    client = ClassifierClient.connect("127.0.0.1:" + server.port(), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.stop(Duration.ofSeconds(5));
  }

  /** One image as the client encoder makes it: FLOAT32 (normalised) and UINT8 (raw pixels). */
  private record Pair(ImageTensor floats, ImageTensor pixels) {}

  private static List<Pair> images(String model) throws Exception {
    ModelInfo info = client.modelInfo(model);
    assertThat(info.getInput().getAcceptedDtypesList())
        .containsExactly(DataType.FLOAT32, DataType.UINT8);
    PreprocessSpec spec = PreprocessingSpecs.fromProto(info.getPreprocessing());
    assertThat(spec.pixelType()).isEqualTo(PixelType.FLOAT32);
    ImagePreprocessor floats = new ImagePreprocessor(spec);
    ImagePreprocessor pixels = new ImagePreprocessor(withPixelType(spec, PixelType.UINT8));
    List<BufferedImage> sources = new ArrayList<>();
    if (model.equals(FASHION)) {
      ImageDecoder decoder = new ImageDecoder(1_000_000);
      for (Path p : TestModels.samples()) {
        sources.add(decoder.decode(p));
      }
    } else {
      Random r = new Random(7);
      for (int i = 0; i < 12; i++) {
        BufferedImage img =
            new BufferedImage(30 + r.nextInt(40), 30 + r.nextInt(40), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
          for (int x = 0; x < img.getWidth(); x++) {
            img.setRGB(x, y, r.nextInt(1 << 24));
          }
        }
        sources.add(img);
      }
    }
    List<Pair> out = new ArrayList<>();
    for (BufferedImage img : sources) {
      out.add(new Pair(floats.apply(img), pixels.apply(img)));
    }
    return out;
  }

  private static PreprocessSpec withPixelType(PreprocessSpec s, PixelType type) {
    return new PreprocessSpec(
        s.width(),
        s.height(),
        s.colorMode(),
        s.resizeShorterSide(),
        s.interpolation(),
        s.centerCrop(),
        s.scale(),
        s.mean(),
        s.std(),
        s.layout(),
        type);
  }

  private static ImageInput input(ImageTensor t) {
    return ImageInput.newBuilder().setTensor(Specs.toTensor(t)).build();
  }

  /** Probabilities by class index from a classification listing every class. */
  private static float[] byIndex(List<Prediction> predictions, int classes) {
    assertThat(predictions).hasSize(classes);
    float[] out = new float[classes];
    for (Prediction p : predictions) {
      out[p.getIndex()] = p.getProbability();
    }
    return out;
  }

  private static float[][] unary(String model, List<ImageInput> inputs, int classes) {
    ClassifyRequest r =
        ClassifyRequest.newBuilder().setModel(model).setTopK(classes).addAllImages(inputs).build();
    var response = client.classify(r);
    float[][] out = new float[inputs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = byIndex(response.getResults(i).getPredictionsList(), classes);
    }
    return out;
  }

  private static float[][] stream(String model, List<ImageInput> inputs, int classes)
      throws Exception {
    Map<String, ClassifyStreamResponse> answers = new ConcurrentHashMap<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<ClassifyStreamRequest> requests =
        ClassifierGrpc.newStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .classifyStream(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ClassifyStreamResponse r) {
                    answers.put(r.getRequestId(), r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    for (int i = 0; i < inputs.size(); i++) {
      requests.onNext(
          ClassifyStreamRequest.newBuilder()
              .setRequestId(Integer.toString(i))
              .setModel(model)
              .setTopK(classes)
              .setImage(inputs.get(i))
              .build());
    }
    requests.onCompleted();
    done.get(60, TimeUnit.SECONDS);
    float[][] out = new float[inputs.size()][];
    for (int i = 0; i < out.length; i++) {
      ClassifyStreamResponse r = answers.get(Integer.toString(i));
      assertThat(r.hasResult()).as("item %d: %s", i, r).isTrue();
      out[i] = byIndex(r.getResult().getPredictionsList(), classes);
    }
    return out;
  }

  private static float[][] kserve(String model, List<Pair> images, boolean uint8, boolean raw)
      throws Exception {
    ModelInfo info = client.modelInfo(model);
    int classes = info.getNumClasses();
    long[] shape = images.get(0).floats().shape();
    InferInputTensor.Builder in =
        InferInputTensor.newBuilder()
            .setName(info.getInput().getName())
            .setDatatype(uint8 ? "UINT8" : "FP32")
            .addShape(images.size());
    for (long d : shape) {
      in.addShape(d);
    }
    ModelInferRequest.Builder r = ModelInferRequest.newBuilder().setModelName(model);
    ByteString all = ByteString.EMPTY;
    for (Pair p : images) {
      all =
          all.concat(
              UnsafeByteOperations.unsafeWrap(uint8 ? p.pixels().data() : p.floats().data()));
    }
    if (raw) {
      r.addInputs(in).addRawInputContents(all);
    } else {
      InferTensorContents.Builder c = InferTensorContents.newBuilder();
      ByteBuffer b = all.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (uint8) {
        while (b.hasRemaining()) {
          c.addUintContents(b.get() & 0xFF);
        }
      } else {
        while (b.hasRemaining()) {
          c.addFp32Contents(b.getFloat());
        }
      }
      r.addInputs(in.setContents(c));
    }
    ModelInferResponse response =
        GRPCInferenceServiceGrpc.newBlockingStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .modelInfer(r.build());
    FloatBufferReader out = new FloatBufferReader(response);
    float[][] probs = new float[images.size()][classes];
    for (int i = 0; i < images.size(); i++) {
      for (int c = 0; c < classes; c++) {
        probs[i][c] = out.get(i * classes + c);
      }
    }
    return probs;
  }

  /** The FP32 output of a ModelInfer response, from raw or typed contents. */
  private record FloatBufferReader(ModelInferResponse response) {
    float get(int i) {
      if (response.getRawOutputContentsCount() > 0) {
        return response
            .getRawOutputContents(0)
            .asReadOnlyByteBuffer()
            .order(ByteOrder.LITTLE_ENDIAN)
            .getFloat(i * 4);
      }
      return response.getOutputs(0).getContents().getFp32Contents(i);
    }
  }

  private static void assertClose(float[][] actual, float[][] expected, String what) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      for (int c = 0; c < expected[i].length; c++) {
        assertThat(Math.abs(actual[i][c] - expected[i][c]))
            .as("%s image %d class %d: %s vs %s", what, i, c, actual[i][c], expected[i][c])
            .isLessThanOrEqualTo(TOLERANCE);
      }
    }
  }

  @Test
  void uint8PixelsClassifyAsTheirFloatTensorsOverEveryPath() throws Exception {
    for (String model : List.of(FASHION, RGB)) {
      int classes = client.modelInfo(model).getNumClasses();
      List<Pair> images = images(model);
      List<ImageInput> floats = images.stream().map(p -> input(p.floats())).toList();
      List<ImageInput> pixels = images.stream().map(p -> input(p.pixels())).toList();
      assertThat(pixels.get(0).getTensor().getData().size() * 4)
          .isEqualTo(floats.get(0).getTensor().getData().size());

      float[][] expected = unary(model, floats, classes);
      assertClose(unary(model, pixels, classes), expected, model + " unary");
      assertClose(stream(model, pixels, classes), expected, model + " stream");
      assertClose(kserve(model, images, true, true), expected, model + " kserve raw");
      assertClose(kserve(model, images, true, false), expected, model + " kserve typed");
      assertClose(kserve(model, images, false, true), expected, model + " kserve fp32");
    }
  }

  @Test
  void metadataAdvertisesUint8OnlyWhereTheServerNormalises() {
    var config =
        GRPCInferenceServiceGrpc.newBlockingStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS);
    assertThat(
            config
                .modelConfig(ModelConfigRequest.newBuilder().setName(RGB).build())
                .getConfig()
                .getParametersMap()
                .get("accepted_input_datatypes")
                .getStringValue())
        .isEqualTo("FP32,UINT8");
    // a model that itself takes UINT8 offers only that
    assertThat(client.modelInfo("uint8_nhwc").getInput().getAcceptedDtypesList())
        .containsExactly(DataType.UINT8);
    assertThat(
            config
                .modelConfig(ModelConfigRequest.newBuilder().setName("uint8_nhwc").build())
                .getConfig()
                .getParametersMap()
                .get("accepted_input_datatypes")
                .getStringValue())
        .isEqualTo("UINT8");
  }

  @Test
  void uint8LengthsAreCheckedForTheirOwnDtype() {
    // 3 x 32 x 32 pixels: 3072 bytes as UINT8, 12288 as FLOAT32
    for (int bytes : new int[] {3071, 3073, 12288, 0}) {
      Tensor t =
          Tensor.newBuilder()
              .setDtype(DataType.UINT8)
              .addShape(3)
              .addShape(32)
              .addShape(32)
              .setData(ByteString.copyFrom(new byte[bytes]))
              .build();
      ClassifyRequest r =
          ClassifyRequest.newBuilder()
              .setModel(RGB)
              .addImages(ImageInput.newBuilder().setTensor(t))
              .build();
      assertThatThrownBy(() -> client.classify(r))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(
                        "images[0].tensor.data has "
                            + bytes
                            + " bytes, expected 3072 (1 image(s) of 3072 UINT8 elements, 1 byte(s)"
                            + " each)");
              });
    }
    ModelInferRequest kserve =
        ModelInferRequest.newBuilder()
            .setModelName(RGB)
            .addInputs(
                InferInputTensor.newBuilder()
                    .setName(client.modelInfo(RGB).getInput().getName())
                    .setDatatype("UINT8")
                    .addShape(2)
                    .addShape(3)
                    .addShape(32)
                    .addShape(32))
            .addRawInputContents(ByteString.copyFrom(new byte[3072]))
            .build();
    assertThatThrownBy(
            () ->
                GRPCInferenceServiceGrpc.newBlockingStub(client.channel())
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .modelInfer(kserve))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "raw_input_contents[0] has 3072 bytes, expected 6144 (2 image(s) of 3072"
                          + " UINT8 elements)");
            });
  }
}
