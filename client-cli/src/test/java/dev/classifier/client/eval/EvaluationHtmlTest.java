package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationHtmlTest {
  private static Evaluation sample() {
    return SampleEvaluations.threeClasses(
        List.of("cat", "dog", "<bird>"), EvaluationOptions.defaults());
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
