package dev.classifier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Device lists and the engine's guard settings in the YAML config. */
class EngineSettingsConfigTest {
  private static ServerConfig read(String model) {
    return ConfigReader.fromYaml("models:\n  - " + model + "\n", Path.of("."));
  }

  @Test
  void aDeviceListedTwiceIsAConfigErrorPointingAtInstancesPerDevice() {
    assertThatThrownBy(() -> read("{name: m, devices: [cpu, cpu]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models[0].devices lists a device twice [cpu, cpu]")
        .hasMessageContaining("instancesPerDevice");
    assertThatThrownBy(() -> read("{name: m, devices: [gpu:0, cpu, gpu:0]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void engineGuardsDefaultOnAndRoundTrip() {
    ModelConfig defaults = read("{name: m}").models().get(0);
    assertThat(defaults.engine().rejectNonFiniteInput()).isTrue();
    assertThat(defaults.engine().watchdog()).isEqualTo(Duration.ofSeconds(30));

    ServerConfig c = read("{name: m, engine: {rejectNonFiniteInput: false, watchdogMillis: 250}}");
    ModelConfig m = c.models().get(0);
    assertThat(m.engine().rejectNonFiniteInput()).isFalse();
    assertThat(m.engine().watchdog()).isEqualTo(Duration.ofMillis(250));
    ServerConfig again = ConfigReader.fromYaml(ConfigWriter.toYaml(c), Path.of("."));
    assertThat(again.models().get(0).engine()).isEqualTo(m.engine());
  }

  @Test
  void watchdogBelowTheMinimumIsRejected() {
    assertThatThrownBy(() -> read("{name: m, engine: {watchdogMillis: 99}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("watchdogMillis must be >= 100, got 99");
  }
}
