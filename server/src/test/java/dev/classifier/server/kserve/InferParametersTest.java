package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.proto.inference.InferParameter;
import dev.classifier.server.core.InvalidRequestException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schedule_policy parameters as the protocol defines them: priority 0 = the model's default, 1
 * = highest; timeout in microseconds; int64 or uint64 values (Triton's clients send either).
 */
class InferParametersTest {
  private static Map<String, InferParameter> int64(String name, long v) {
    return Map.of(name, InferParameter.newBuilder().setInt64Param(v).build());
  }

  private static Map<String, InferParameter> uint64(String name, long v) {
    return Map.of(name, InferParameter.newBuilder().setUint64Param(v).build());
  }

  @Test
  void priorityMapsProtocolLevelsToInternalLevels() {
    // three internal levels: 0 (highest, the classifier.v1 default), 1, 2
    assertThat(InferParameters.priority(Map.of(), 3)).isZero();
    assertThat(InferParameters.priority(int64("priority", 0), 3)).isZero();
    assertThat(InferParameters.priority(int64("priority", 1), 3)).isZero();
    assertThat(InferParameters.priority(int64("priority", 2), 3)).isEqualTo(1);
    assertThat(InferParameters.priority(uint64("priority", 3), 3)).isEqualTo(2);
    // beyond the model's levels: the default, as Triton does
    assertThat(InferParameters.priority(int64("priority", 4), 3)).isZero();
    assertThatThrownBy(() -> InferParameters.priority(int64("priority", -1), 3))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> InferParameters.priority(uint64("priority", -1), 3))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("18446744073709551615");
    assertThatThrownBy(
            () ->
                InferParameters.priority(
                    Map.of("priority", InferParameter.newBuilder().setDoubleParam(1).build()), 3))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("int64");
  }

  @Test
  void timeoutIsMicroseconds() {
    assertThat(InferParameters.timeoutNanos(Map.of())).isZero();
    assertThat(InferParameters.timeoutNanos(int64("timeout", 1500))).isEqualTo(1_500_000);
    assertThat(InferParameters.timeoutNanos(int64("timeout", Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> InferParameters.timeoutNanos(int64("timeout", -5)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void classificationIsCappedAtTheClassCount() {
    assertThat(InferParameters.classification(Map.of(), "out", 10)).isZero();
    assertThat(InferParameters.classification(int64("classification", 3), "out", 10)).isEqualTo(3);
    assertThat(InferParameters.classification(int64("classification", 30), "out", 10))
        .isEqualTo(10);
  }
}
