package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationHtmlTest {
  private static Evaluation sample() {
    AccuracyAccumulator acc = new AccuracyAccumulator(3);
    acc.record(0, new int[] {0, 1, 2});
    acc.record(1, new int[] {2, 1, 0});
    acc.record(1, new int[] {2, 0, 1});
    acc.record(2, new int[] {2, 0, 1});
    return new Evaluation(
        "m", "7", List.of("cat", "dog", "<bird>"), "imagefolder /d", "class names matched",
        EvaluationOptions.defaults(), acc.snapshot(), 2_000_000_000L, List.of());
  }

  @Test
  void drawsOneCellPerClassPairWithCountsAndTheFigures() {
    String html = EvaluationHtml.render(sample());
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").endsWith("</html>\n");
    assertThat(html.split("<rect class=\"cell\"", -1)).hasSize(3 * 3 + 1);
    assertThat(html).contains("true dog, predicted &lt;bird&gt;: 2");
    assertThat(html).contains("Top-1</td><td>50.00 % (2)");
    assertThat(html).doesNotContain("<bird>").doesNotContain("<script");
  }
}
