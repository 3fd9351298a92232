package dev.classifier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.server.engine.provider.CudaOptions;
import dev.classifier.server.engine.provider.ProviderOptions;
import dev.classifier.server.engine.provider.TensorRtOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code models[].engine.tensorrt}, {@code .cuda}, {@code allowReducedPrecision}, {@code
 * requireProvider}.
 */
class GpuEngineConfigTest {
  private static final Path BASE = Path.of("/etc/classifier");

  private static ModelConfig read(String model) {
    return ConfigReader.fromYaml("models:\n  - " + model + "\n", BASE).models().get(0);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ProviderOptions p = read("{name: m}").engine().providerOptions();
    assertThat(p.allowReducedPrecision()).isFalse();
    assertThat(p.requireProvider()).isNull();
    assertThat(p.tensorrt()).isEqualTo(TensorRtOptions.defaults());
    assertThat(p.tensorrt().fp16()).isEqualTo(TensorRtOptions.Fp16.AUTO);
    assertThat(p.tensorrt().builderOptimizationLevel()).isEqualTo(3);
    assertThat(p.tensorrt().engineCache()).isTrue();
    assertThat(p.tensorrt().timingCache()).isTrue();
    assertThat(p.cuda()).isEqualTo(new CudaOptions(0, "kNextPowerOfTwo", "EXHAUSTIVE", false));
  }

  @Test
  void everySettingIsReadAndSurvivesARoundTrip() {
    String yaml =
        "{name: m, devices: [gpu:0, gpu:1], engine: {providers: [tensorrt, cuda],"
            + " allowReducedPrecision: true, requireProvider: tensorrt,"
            + " tensorrt: {fp16: on, workspaceBytes: 4294967296, builderOptimizationLevel: 5,"
            + " engineCache: false, timingCache: true, cacheDir: cache/trt, profileMinBatch: 2,"
            + " profileOptBatch: 8, cudaGraph: true},"
            + " cuda: {gpuMemLimitBytes: 8000000000, arenaExtendStrategy: kSameAsRequested,"
            + " cudnnConvAlgoSearch: HEURISTIC, cudaGraph: true}}}";
    ModelConfig m = read(yaml);
    ProviderOptions p = m.engine().providerOptions();
    assertThat(p.requireProvider()).isEqualTo("tensorrt");
    assertThat(p.tensorrt())
        .isEqualTo(
            new TensorRtOptions(
                TensorRtOptions.Fp16.ON,
                4294967296L,
                5,
                false,
                true,
                BASE.resolve("cache/trt"),
                2,
                8,
                true));
    assertThat(p.cuda())
        .isEqualTo(new CudaOptions(8_000_000_000L, "kSameAsRequested", "HEURISTIC", true));

    ServerConfig again =
        ConfigReader.fromYaml(
            ConfigWriter.toYaml(ConfigReader.fromYaml("models:\n  - " + yaml + "\n", BASE)),
            Path.of("/elsewhere"));
    assertThat(again.models().get(0).engine()).isEqualTo(m.engine());
  }

  @Test
  void theDeployedTensorRtConfigReadsAsDocumented() {
    ServerConfig c = ConfigReader.read(Path.of("..", "deploy", "gpu", "resnet50-trt.yaml"));
    ModelConfig m = c.models().get(0);
    assertThat(m.devices()).containsExactly("gpu:0");
    assertThat(m.batching().maxBatchSize()).isEqualTo(32);
    assertThat(m.engine().providers()).containsExactly("tensorrt", "cuda");
    ProviderOptions p = m.engine().providerOptions();
    assertThat(p.requireProvider()).isEqualTo("tensorrt");
    assertThat(p.allowReducedPrecision()).isTrue();
    assertThat(p.tensorrt().cacheDir())
        .isEqualTo(Path.of("..", "gpu-results", "trt-cache").toAbsolutePath().normalize());
  }

  @Test
  void invalidSettingsNameTheirKey() {
    assertThatThrownBy(() -> read("{name: m, engine: {tensorrt: {builderOptimizationLevel: 6}}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "models[0].engine.tensorrt.builderOptimizationLevel must be in [0, 5], got 6");
    assertThatThrownBy(() -> read("{name: m, engine: {tensorrt: {fp16: maybe}}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models[0].engine.tensorrt.fp16 must be auto, on or off");
    assertThatThrownBy(() -> read("{name: m, engine: {cuda: {arenaExtendStrategy: grow}}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models[0].engine.cuda.arenaExtendStrategy must be");
    assertThatThrownBy(() -> read("{name: m, engine: {cuda: {gpuMemLimit: 1}}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models[0].engine.cuda.gpuMemLimit is not a known setting");
    assertThatThrownBy(() -> read("{name: m, engine: {requireProvider: rocm}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models[0].engine.requireProvider must be cpu, cuda or tensorrt");
  }

  @Test
  void reducedPrecisionAndRequiredProvidersMustBeConsistent() {
    assertThatThrownBy(() -> read("{name: m, engine: {tensorrt: {fp16: on}}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "models[0].engine.tensorrt.fp16 is on but allowReducedPrecision is false");
    assertThatThrownBy(
            () -> read("{name: m, engine: {providers: [cuda], requireProvider: tensorrt}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "models[0].engine.requireProvider is tensorrt but providers [cuda] does not list it");
    assertThatThrownBy(
            () ->
                read(
                    "{name: m, devices: [gpu:0, cpu], engine: {providers: [cuda], requireProvider: cuda}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "models[0].engine.requireProvider is cuda but models[0].devices lists cpu");
    assertThat(
            read("{name: m, engine: {requireProvider: cpu}}")
                .engine()
                .providerOptions()
                .requireProvider())
        .isEqualTo("cpu");
  }
}
