package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
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

/** Every kind of bad request gets the right status and a helpful description; serving goes on. */
class BadInputTest {
  private static InProcessClassifier server;
  private final Random random = new Random(7);

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(8).build();
    server = new InProcessClassifier(List.of(TestModels.load(TestModels.embedded(policy, 1))), 16);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private StatusRuntimeException fails(ClassifyRequest request) {
    try {
      server.blocking().classify(request);
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("request was accepted: " + request);
  }

  private static ClassifyRequest one(ImageInput image) {
    return ClassifyRequest.newBuilder().addImages(image).build();
  }

  private void assertStillServing() {
    ClassifyResponse ok = server.blocking().classify(one(Tensors.randomMnist(random)));
    assertThat(ok.getResultsList()).hasSize(1);
  }

  @Test
  void wrongShapeIsInvalidArgumentNamingBothShapes() {
    StatusRuntimeException e = fails(one(Tensors.image(Tensors.float32(new float[784], 28, 28))));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .contains("images[0].tensor.shape [28, 28]")
        .contains("[-1, 1, 28, 28]");
    assertStillServing();
  }

  @Test
  void wrongByteLengthIsInvalidArgument() {
    Tensor t =
        Tensor.newBuilder()
            .setDtype(DataType.FLOAT32)
            .addShape(1)
            .addShape(28)
            .addShape(28)
            .setData(ByteString.copyFrom(new byte[784]))
            .build();
    StatusRuntimeException e = fails(one(Tensors.image(t)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("784 bytes, expected 3136");
    assertStillServing();
  }

  @Test
  void unsetUnknownReservedAndWrongDtypesAreInvalidArgument() {
    Tensor good = Tensors.float32(new float[784], 1, 28, 28);
    for (Tensor bad :
        List.of(
            good.toBuilder().setDtype(DataType.DATA_TYPE_UNSPECIFIED).build(),
            good.toBuilder().setDtypeValue(99).build(),
            good.toBuilder().setDtype(DataType.FLOAT16).build())) {
      StatusRuntimeException e = fails(one(Tensors.image(bad)));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains("dtype").contains("FLOAT32");
    }
    // the model also takes UINT8 pixels (its spec states the normalisation): float bytes labelled
    // UINT8 are four times too long for that dtype
    StatusRuntimeException e =
        fails(one(Tensors.image(good.toBuilder().setDtype(DataType.UINT8).build())));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .isEqualTo(
            "images[0].tensor.data has 3136 bytes, expected 784 (1 image(s) of 784 UINT8"
                + " elements, 1 byte(s) each)");
    assertStillServing();
  }

  @Test
  void unknownModelIsNotFoundListingServedModels() {
    StatusRuntimeException e =
        fails(one(Tensors.randomMnist(random)).toBuilder().setModel("resnet-9000").build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).contains("resnet-9000").contains("fashion-mnist");
    assertThatThrownBy(
            () ->
                server
                    .blocking()
                    .getModelInfo(GetModelInfoRequest.newBuilder().setModel("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            s -> assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertStillServing();
  }

  @Test
  void emptyRequestIsInvalidArgument() {
    StatusRuntimeException e = fails(ClassifyRequest.getDefaultInstance());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("images is empty");
    StatusRuntimeException noSource = fails(one(ImageInput.getDefaultInstance()));
    assertThat(noSource.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertStillServing();
  }

  @Test
  void nonPositiveTopKIsInvalidArgument() {
    for (int k : new int[] {0, -3}) {
      StatusRuntimeException e =
          fails(one(Tensors.randomMnist(random)).toBuilder().setTopK(k).build());
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains("top_k must be >= 1").contains("" + k);
    }
    assertStillServing();
  }

  @Test
  void priorityOutsideTheModelsLevelsIsInvalidArgument() {
    StatusRuntimeException e =
        fails(one(Tensors.randomMnist(random)).toBuilder().setPriority(3).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("priority");
  }

  @Test
  void oneBadImageRejectsTheWholeRequestBeforeQueueing() {
    long before = server.registry.resolve("").engine().imagesRun();
    ClassifyRequest req =
        ClassifyRequest.newBuilder()
            .addImages(Tensors.randomMnist(random))
            .addImages(Tensors.image(Tensors.float32(new float[10], 10)))
            .build();
    StatusRuntimeException e = fails(req);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("images[1]");
    assertThat(server.registry.resolve("").engine().imagesRun()).isEqualTo(before);
  }

  @Test
  void topKAboveClassCountIsCappedAndBatchedTensorsSplit() {
    float[] two = Tensors.randomFloats(random, 2 * 784);
    ClassifyResponse r =
        server
            .blocking()
            .classify(
                ClassifyRequest.newBuilder()
                    .setTopK(50)
                    .addImages(Tensors.image(Tensors.float32(two, 2, 1, 28, 28)))
                    .build());
    assertThat(r.getResultsList()).hasSize(2);
    assertThat(r.getResults(0).getPredictionsList()).hasSize(10);
    assertThat(r.getModel()).isEqualTo("fashion-mnist");
    // each slice of the batched tensor is its own image, in order
    for (int i = 0; i < 2; i++) {
      float[] alone = java.util.Arrays.copyOfRange(two, i * 784, (i + 1) * 784);
      ClassifyResponse single =
          server
              .blocking()
              .classify(
                  ClassifyRequest.newBuilder()
                      .setTopK(50)
                      .addImages(Tensors.image(Tensors.float32(alone, 1, 28, 28)))
                      .build());
      assertThat(r.getResults(i).getPredictions(0).getIndex())
          .isEqualTo(single.getResults(0).getPredictions(0).getIndex());
      assertThat(r.getResults(i).getPredictions(0).getProbability())
          .isCloseTo(
              single.getResults(0).getPredictions(0).getProbability(),
              org.assertj.core.data.Offset.offset(1e-5f));
    }
  }
}
