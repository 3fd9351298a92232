package dev.classifier.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.config.Preprocessing;
import org.junit.jupiter.api.Test;

/** The server's JSON-shaped spec: defaults filled, rules those of {@link PreprocessSpec}. */
class PreprocessingTest {
  private static Preprocessing rgb(int width, float scale, float[] mean, float[] std) {
    return new Preprocessing(
        width, 8, "rgb", 0, "bilinear", false, scale, mean, std, "nchw", "float32");
  }

  @Test
  void namesAreNormalisedAndStatisticsFilledPerChannel() {
    Preprocessing p = rgb(8, 1f, null, new float[] {2f});
    assertThat(p.colorMode()).isEqualTo("RGB");
    assertThat(p.mean()).containsExactly(0f, 0f, 0f);
    assertThat(p.std()).containsExactly(2f, 2f, 2f);
    assertThat(p.channels()).isEqualTo(3);
    assertThat(p.toSpec().meanOf(2)).isEqualTo(0f);
    assertThat(Preprocessing.imagenet(224, 224, "NCHW", "FLOAT32").toSpec())
        .isEqualTo(PreprocessSpec.imagenet());
  }

  @Test
  void invalidSpecsAreRejectedByTheImagingRulesNamingTheField() {
    assertThatThrownBy(() -> rgb(0, 1f, null, null))
        .hasMessageStartingWith("preprocessing.width");
    assertThatThrownBy(() -> rgb(PreprocessSpec.MAX_DIMENSION + 1, 1f, null, null))
        .hasMessageStartingWith("preprocessing.width");
    assertThatThrownBy(() -> rgb(8, Float.NaN, null, null))
        .hasMessageStartingWith("preprocessing.scale");
    assertThatThrownBy(() -> rgb(8, 1f, new float[] {0f, 0f}, null))
        .hasMessageStartingWith("preprocessing.mean must have 1 or 3 values");
    assertThatThrownBy(() -> rgb(8, 1f, null, new float[] {1f, 0f, 1f}))
        .hasMessageStartingWith("preprocessing.std[1]");
    assertThatThrownBy(
            () -> new Preprocessing(8, 8, "CMYK", 0, "BILINEAR", false, 1f, null, null, "NCHW", "UINT8"))
        .hasMessage("preprocessing.colorMode must be one of RGB, BGR, GRAY, got 'CMYK'");
  }
}
