package dev.classifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.proto.v1.ColorMode;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Interpolation;
import dev.classifier.proto.v1.Layout;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.PreprocessingSpec;
import dev.classifier.proto.v1.TensorSpec;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Which dtype the encoder sends: UINT8 by default where the model accepts it, else its own. */
class InputDtypeTest {
  private static ModelInfo model(DataType own, DataType... accepted) {
    TensorSpec.Builder in =
        TensorSpec.newBuilder()
            .setName("x")
            .setDtype(own)
            .addShape(-1)
            .addShape(1)
            .addShape(4)
            .addShape(4)
            .setLayout(Layout.NCHW);
    for (DataType a : accepted) {
      in.addAcceptedDtypes(a);
    }
    return ModelInfo.newBuilder()
        .setName("m")
        .setInput(in)
        .setPreprocessing(
            PreprocessingSpec.newBuilder()
                .setWidth(4)
                .setHeight(4)
                .setColorMode(ColorMode.GRAY)
                .setResizeShorterSide(4)
                .setInterpolation(Interpolation.BILINEAR)
                .setCenterCrop(true)
                .setScale(1f / 255f)
                .addMean(0.5f)
                .addStd(0.25f)
                .setLayout(Layout.NCHW)
                .setDtype(own))
        .build();
  }

  @Test
  void autoSendsUint8OnlyWhereTheModelAcceptsIt() {
    assertThat(InputDtype.AUTO.resolve(model(DataType.FLOAT32, DataType.FLOAT32, DataType.UINT8)))
        .isEqualTo(DataType.UINT8);
    assertThat(InputDtype.AUTO.resolve(model(DataType.FLOAT32, DataType.FLOAT32)))
        .isEqualTo(DataType.FLOAT32);
    // an older server lists no accepted dtypes: only the model's own
    assertThat(InputDtype.AUTO.resolve(model(DataType.FLOAT32))).isEqualTo(DataType.FLOAT32);
    assertThat(InputDtype.AUTO.resolve(model(DataType.UINT8))).isEqualTo(DataType.UINT8);
    assertThat(
            InputDtype.FLOAT32.resolve(model(DataType.FLOAT32, DataType.FLOAT32, DataType.UINT8)))
        .isEqualTo(DataType.FLOAT32);
  }

  @Test
  void forcingADtypeTheModelDoesNotTakeIsRefused() {
    assertThatThrownBy(() -> InputDtype.UINT8.resolve(model(DataType.FLOAT32, DataType.FLOAT32)))
        .hasMessageContaining("does not accept UINT8");
    assertThatThrownBy(() -> InputDtype.FLOAT32.resolve(model(DataType.UINT8)))
        .hasMessageContaining("takes UINT8 tensors, not FLOAT32");
    assertThatThrownBy(() -> InputDtype.parse("fp16"))
        .hasMessageContaining("auto, float32 or uint8");
    assertThat(InputDtype.parse("UINT8")).isEqualTo(InputDtype.UINT8);
  }

  @Test
  void theEncoderSendsRawPixelsOrNormalisedFloats() {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(1, 0, 0, 51);
    ModelInfo info = model(DataType.FLOAT32, DataType.FLOAT32, DataType.UINT8);
    ImageInput pixels = new ImageEncoder(info).encode(img);
    assertThat(pixels.getTensor().getDtype()).isEqualTo(DataType.UINT8);
    assertThat(pixels.getTensor().getShapeList()).containsExactly(1L, 1L, 4L, 4L);
    assertThat(pixels.getTensor().getData().size()).isEqualTo(16);
    assertThat(pixels.getTensor().getData().byteAt(1)).isEqualTo((byte) 51);
    ImageInput floats = new ImageEncoder(info, InputDtype.FLOAT32).encode(img);
    assertThat(floats.getTensor().getDtype()).isEqualTo(DataType.FLOAT32);
    assertThat(floats.getTensor().getData().size()).isEqualTo(64);
    // (51 / 255 - 0.5) / 0.25 = -1.2 (float32)
    float v =
        floats
            .getTensor()
            .getData()
            .asReadOnlyByteBuffer()
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getFloat(4);
    assertThat(v).isEqualTo((51 / 255f - 0.5f) / 0.25f);
  }
}
