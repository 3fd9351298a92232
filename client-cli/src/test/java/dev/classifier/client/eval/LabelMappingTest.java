package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelMappingTest {
  private static final List<String> LABELS =
      List.of("T-shirt/top", "Trouser", "Pullover", "Ankle boot");

  @Test
  void matchesNamesIgnoringCaseAndPunctuation() {
    LabelMapping m = LabelMapping.resolve(List.of("ankle_boot", "t-shirt_top"), LABELS, 4);
    assertThat(m.rule()).isEqualTo(LabelMapping.Rule.BY_NAME);
    assertThat(m.modelClass(0)).isEqualTo(3);
    assertThat(m.modelClass(1)).isZero();
  }

  @Test
  void numericNamesAreClassIndices() {
    LabelMapping m = LabelMapping.resolve(List.of("0", "3"), LABELS, 4);
    assertThat(m.rule()).isEqualTo(LabelMapping.Rule.BY_NUMBER);
    assertThat(m.modelClass(1)).isEqualTo(3);
  }

  @Test
  void positionOnlyWhenCountsAgreeAndNoNameMatches() {
    LabelMapping m = LabelMapping.resolve(List.of("n01", "n02", "n03", "n04"), LABELS, 4);
    assertThat(m.rule()).isEqualTo(LabelMapping.Rule.BY_POSITION);
    assertThat(m.modelClass(2)).isEqualTo(2);
    assertThat(LabelMapping.resolve(List.of("a", "b"), List.of(), 2).rule())
        .isEqualTo(LabelMapping.Rule.BY_POSITION);
  }

  @Test
  void partialMatchesAreAnErrorNamingTheStrays() {
    assertThatThrownBy(
            () -> LabelMapping.resolve(List.of("Trouser", "Sock", "Pullover", "Hat"), LABELS, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 class name(s) match no model label")
        .hasMessageContaining("[Sock, Hat]");
    assertThatThrownBy(() -> LabelMapping.resolve(List.of("0", "9"), LABELS, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
