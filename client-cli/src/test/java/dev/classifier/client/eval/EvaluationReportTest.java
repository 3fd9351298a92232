package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {
  private static Evaluation sample() {
    return SampleEvaluations.threeClasses(
        List.of("cat", "dog", "bird"), EvaluationOptions.defaults().withStream(true));
  }

  @Test
  void jsonHasFiguresPerClassAndMatrix() throws Exception {
    JsonNode j = new ObjectMapper().readTree(EvaluationReport.json(sample()));
    assertThat(j.get("model").asText()).isEqualTo("m");
    assertThat(j.get("transport").asText()).isEqualTo("stream");
    assertThat(j.get("send").asText()).isEqualTo("tensor");
    assertThat(j.get("evaluated").asLong()).isEqualTo(4);
    assertThat(j.get("top1_correct").asLong()).isEqualTo(2);
    assertThat(j.get("top5_correct").asLong()).isEqualTo(4);
    assertThat(j.get("top1").asDouble()).isEqualTo(0.5);
    assertThat(j.get("images_per_second").asDouble()).isEqualTo(2.0);
    assertThat(j.get("per_class").get(1).get("label").asText()).isEqualTo("dog");
    assertThat(j.get("per_class").get(1).get("top1").asDouble()).isZero();
    assertThat(j.get("confusion_matrix").get(1).get(2).asLong()).isEqualTo(2);
    assertThat(j.get("confusions").get(0).get("true_label").asText()).isEqualTo("dog");
    assertThat(j.get("confusions").get(0).get("count").asLong()).isEqualTo(2);
  }

  @Test
  void textShowsTopFiguresAndTheMatrix() {
    String t = EvaluationReport.text(sample());
    assertThat(t)
        .contains("Top-1:    50.00 % (2/4)")
        .contains("Top-5:    100.00 % (4/4)")
        .contains("2.0 images/s")
        .contains("confusion matrix")
        .containsPattern("1\\s+0\\s+0\\s+2\\s+dog");
  }
}
