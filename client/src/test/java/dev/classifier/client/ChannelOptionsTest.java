package dev.classifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelOptionsTest {
  @Test
  void retriesOnlyUnavailableAndResourceExhaustedOnUnaryMethods() {
    Map<String, Object> config = ChannelOptions.of("round_robin", 2).serviceConfig();
    assertThat(config.get("loadBalancingConfig"))
        .isEqualTo(List.of(Map.of("round_robin", Map.of())));
    @SuppressWarnings("unchecked")
    Map<String, Object> method = ((List<Map<String, Object>>) config.get("methodConfig")).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> retry = (Map<String, Object>) method.get("retryPolicy");
    assertThat(retry.get("maxAttempts")).isEqualTo(3.0);
    assertThat(retry.get("retryableStatusCodes"))
        .isEqualTo(List.of("UNAVAILABLE", "RESOURCE_EXHAUSTED"));
    assertThat(retry.get("initialBackoff")).isEqualTo("0.050000000s");
    assertThat(method.get("name").toString()).contains("Classify").doesNotContain("ClassifyStream");
  }

  @Test
  void noRetriesMeansNoMethodConfig() {
    assertThat(ChannelOptions.defaults().serviceConfig())
        .containsOnlyKeys("loadBalancingConfig")
        .containsEntry("loadBalancingConfig", List.of(Map.of("pick_first", Map.of())));
  }

  @Test
  void rejectsUnknownPoliciesAndTooManyAttempts() {
    assertThatThrownBy(() -> ChannelOptions.of("least_request", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("least_request");
    assertThatThrownBy(() -> ChannelOptions.of("round_robin", 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..4");
  }

  @Test
  void staticTargetsListHostsAndPorts() {
    assertThat(StaticNameResolverProvider.parse("127.0.0.1:5,127.0.0.2:6,[::1]:7"))
        .containsExactly(
            InetSocketAddress.createUnresolved("127.0.0.1", 5),
            InetSocketAddress.createUnresolved("127.0.0.2", 6),
            InetSocketAddress.createUnresolved("::1", 7));
    assertThatThrownBy(() -> StaticNameResolverProvider.parse("127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> StaticNameResolverProvider.parse("h:70000"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
