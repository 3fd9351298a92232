package dev.classifier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import org.junit.jupiter.api.Test;

/** The JSON form of a spec: defaults filled, rules those of {@link PreprocessSpec}, round trip. */
class PreprocessingJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PreprocessSpec read(String json) throws Exception {
    return PreprocessingJson.read(JSON.readTree(json));
  }

  private static String rgb(String extra) {
    return "{\"width\": 8, \"height\": 8, \"colorMode\": \"rgb\", \"interpolation\": \"bilinear\","
        + " \"layout\": \"nchw\", \"dtype\": \"float32\""
        + extra
        + "}";
  }

  @Test
  void namesAreNormalisedAndStatisticsFilledPerChannel() throws Exception {
    PreprocessSpec p = read(rgb(", \"scale\": 1, \"std\": [2]"));
    assertThat(p.colorMode()).isEqualTo(ColorMode.RGB);
    assertThat(p.mean()).containsExactly(0f, 0f, 0f);
    assertThat(p.std()).containsExactly(2f, 2f, 2f);
    assertThat(p.channels()).isEqualTo(3);
    assertThat(p.centerCrop()).isFalse();
    assertThat(PreprocessSpec.imagenet(224, 224, Layout.NCHW, PixelType.FLOAT32))
        .isEqualTo(PreprocessSpec.imagenet());
  }

  @Test
  void writeThenReadGivesTheSameSpec() throws Exception {
    PreprocessSpec s = PreprocessSpec.imagenet(160, 128, Layout.NHWC, PixelType.UINT8);
    JsonNode written = JSON.valueToTree(PreprocessingJson.write(s));
    assertThat(PreprocessingJson.read(written)).isEqualTo(s);
    assertThat(written.get("dtype").asText()).isEqualTo("UINT8");
    assertThat(written.get("resizeShorterSide").asInt()).isEqualTo(146); // round(128 * 256 / 224)
  }

  @Test
  void invalidSpecsAreRejectedNamingTheField() {
    assertThatThrownBy(() -> read(rgb(", \"scale\": 1").replace("\"width\": 8", "\"width\": 0")))
        .hasMessage("preprocessing.width must be in [1, 16384], got 0");
    assertThatThrownBy(() -> read(rgb(", \"scale\": 1").replace("\"width\": 8", "\"width\": 8.5")))
        .hasMessage("preprocessing.width must be an integer, got 8.5");
    assertThatThrownBy(() -> read(rgb(", \"scale\": \"NaN\"")))
        .hasMessageStartingWith("preprocessing.scale must be a number");
    assertThatThrownBy(() -> read(rgb("")))
        .hasMessageStartingWith("preprocessing.scale must be finite and non-zero");
    assertThatThrownBy(() -> read(rgb(", \"scale\": 1, \"mean\": [0, 0]")))
        .hasMessageStartingWith("preprocessing.mean must have 1 or 3 values");
    assertThatThrownBy(() -> read(rgb(", \"scale\": 1, \"std\": [1, 0, 1]")))
        .hasMessageStartingWith("preprocessing.std[1]");
    assertThatThrownBy(() -> read(rgb(", \"scale\": 1, \"centre\": true")))
        .hasMessageStartingWith("preprocessing.centre is not a field");
    assertThatThrownBy(() -> read(rgb(", \"scale\": 1").replace("\"rgb\"", "\"CMYK\"")))
        .hasMessage("preprocessing.colorMode must be one of RGB, BGR, GRAY, got 'CMYK'");
    assertThatThrownBy(() -> read("{\"width\": 8, \"height\": 8}"))
        .hasMessage("preprocessing.colorMode is required (one of RGB, BGR, GRAY)");
  }
}
