package dev.classifier.proto.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.proto.v1.PreprocessingSpec;
import org.junit.jupiter.api.Test;

/** The wire form of a preprocessing spec converts both ways without loss; unset fields default. */
class PreprocessingSpecsTest {
  @Test
  void everySpecSurvivesTheRoundTrip() {
    for (ColorMode mode : ColorMode.values()) {
      for (Interpolation interpolation : Interpolation.values()) {
        for (Layout layout : Layout.values()) {
          for (PixelType type : PixelType.values()) {
            float[] mean = mode == ColorMode.GRAY ? new float[] {0.3f} : new float[] {1f, 2f, 3f};
            float[] std = mode == ColorMode.GRAY ? new float[] {0.7f} : new float[] {4f, 5f, 6f};
            PreprocessSpec s =
                new PreprocessSpec(
                    31, 17, mode, 40, interpolation, true, 0.5f, mean, std, layout, type);
            PreprocessingSpec wire = PreprocessingSpecs.toProto(s);
            assertThat(wire.getColorMode().name()).isEqualTo(mode.name());
            assertThat(wire.getDtype().name()).isEqualTo(type.name());
            assertThat(PreprocessingSpecs.fromProto(wire)).isEqualTo(s);
          }
        }
      }
    }
  }

  @Test
  void unsetFieldsReadAsTorchvisionDefaults() {
    PreprocessSpec s =
        PreprocessingSpecs.fromProto(
            PreprocessingSpec.newBuilder().setWidth(4).setHeight(3).build());
    assertThat(s)
        .isEqualTo(
            new PreprocessSpec(
                4,
                3,
                ColorMode.RGB,
                0,
                Interpolation.BILINEAR,
                false,
                1f / 255f,
                new float[] {0f},
                new float[] {1f},
                Layout.NCHW,
                PixelType.FLOAT32));
  }
}
