package dev.classifier.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.TestModels;
import dev.classifier.server.model.ServedModel;
import org.junit.jupiter.api.Test;

/** The warm-up's synthetic images: the model's dtype, or UINT8 pixels where the engine widens. */
class SyntheticInputsTest {

  @Test
  void aModelThatWidensPixelsIsWarmedWithUint8AndItsOwnDtype() throws Exception {
    // the embedded Fashion-MNIST model: FLOAT32 1x28x28 with a normalisation, so it takes pixels
    try (ServedModel model =
        TestModels.load(TestModels.embedded(BatchPolicy.builder().build(), 1))) {
      ImageInput pixels = SyntheticInputs.zeroPixels(model);
      assertThat(pixels.getTensor().getDtype()).isEqualTo(DataType.UINT8);
      assertThat(pixels.getTensor().getData().size()).isEqualTo(28 * 28);
      assertThat(pixels.getTensor().getShapeList()).containsExactly(1L, 28L, 28L);

      ImageInput own = SyntheticInputs.zeroImage(model);
      assertThat(own.getTensor().getDtype()).isEqualTo(DataType.FLOAT32);
      assertThat(own.getTensor().getData().size()).isEqualTo(28 * 28 * 4);
    }
  }

  @Test
  void aModelWhoseOwnDtypeIsUint8IsWarmedInItOnce() throws Exception {
    // uint8_nhwc: UINT8 [batch,28,28,1], normalised inside the graph; nothing to widen
    try (ServedModel model =
        TestModels.load(
            TestModels.fixtureModel("uint8_nhwc.onnx", BatchPolicy.builder().build(), 1))) {
      ImageInput pixels = SyntheticInputs.zeroPixels(model);
      assertThat(pixels).isEqualTo(SyntheticInputs.zeroImage(model));
      assertThat(pixels.getTensor().getDtype()).isEqualTo(DataType.UINT8);
      assertThat(pixels.getTensor().getData().size()).isEqualTo(28 * 28);
      assertThat(pixels.getTensor().getShapeList()).containsExactly(28L, 28L, 1L);
    }
  }
}
