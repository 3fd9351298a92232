package dev.classifier.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.server.text.ClientText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exactly-once guard: one answer, whatever rendering or delivery throws. */
class AnswerTest {
  private static final InferenceOutcome OUTCOME = new InferenceOutcome(null, List.of(), 1, false);

  /** Records what was delivered; can be told to throw. */
  private static final class Recorder implements Answer.Delivery<String> {
    final List<String> results = new ArrayList<>();
    final List<Throwable> failures = new ArrayList<>();
    RuntimeException throwOnResult;
    Error throwOnFailure;

    @Override
    public void result(String response) {
      results.add(response);
      if (throwOnResult != null) {
        throw throwOnResult;
      }
    }

    @Override
    public void failure(Throwable failure) {
      failures.add(failure);
      if (throwOnFailure != null) {
        throw throwOnFailure;
      }
    }
  }

  @Test
  void onlyTheFirstAnswerIsDelivered() {
    Recorder r = new Recorder();
    Answer<String> a = Answer.of(o -> "ok", r);
    a.onResult(OUTCOME);
    a.onFailure(new IllegalStateException("late"));
    a.onResult(OUTCOME);
    assertThat(r.results).containsExactly("ok");
    assertThat(r.failures).isEmpty();
    assertThat(a.isAnswered()).isTrue();
  }

  @Test
  void anErrorWhileRenderingBecomesOneInternalFailure() {
    Recorder r = new Recorder();
    Answer<String> a =
        Answer.of(
            o -> {
              throw new NoClassDefFoundError("missing");
            },
            r);
    a.onResult(OUTCOME);
    a.onResult(OUTCOME);
    assertThat(r.results).isEmpty();
    assertThat(r.failures).hasSize(1);
    assertThat(r.failures.get(0))
        .isInstanceOf(InternalFailure.class)
        .hasMessageContaining("rendering the response failed")
        .hasMessageContaining("NoClassDefFoundError: missing");
  }

  @Test
  void aThrowWhileWritingTheResultIsFollowedByOneFailure() {
    Recorder r = new Recorder();
    r.throwOnResult = new IllegalStateException("serialisation failed");
    Answer<String> a = Answer.of(o -> "ok", r);
    a.onResult(OUTCOME);
    assertThat(r.failures).hasSize(1);
    assertThat(r.failures.get(0)).hasMessageContaining("serialisation failed");
  }

  @Test
  void aThrowWhileWritingAFailureDoesNotEscape() {
    Recorder r = new Recorder();
    r.throwOnFailure = new AssertionError("call already closed");
    Answer<String> a = Answer.of(o -> "ok", r);
    a.onFailure(new IllegalArgumentException("x"));
    a.onFailure(new IllegalArgumentException("y"));
    assertThat(r.failures).hasSize(1);
  }

  @Test
  void echoedClientTextIsCapped() {
    String longName = "m".repeat(1_000_000);
    String quoted = ClientText.quote(longName);
    assertThat(quoted).hasSize(ClientText.MAX_ECHO + 5).endsWith("...'");
    assertThat(ClientText.quote("short")).isEqualTo("'short'");
  }
}
