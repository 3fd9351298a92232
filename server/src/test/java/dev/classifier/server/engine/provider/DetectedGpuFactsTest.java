package dev.classifier.server.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorRT's version from the library file names, or "unknown"; the CPU host has no GPU name. */
class DetectedGpuFactsTest {
  @Test
  void theNewestLibnvinferOnThePathGivesTheVersion(@TempDir Path a, @TempDir Path b)
      throws Exception {
    Files.createFile(a.resolve("libnvinfer.so.10.9.0"));
    Files.createFile(a.resolve("libnvinfer.so.10"));
    Files.createFile(b.resolve("libnvinfer.so.10.11.0"));
    Files.createFile(b.resolve("libnvinfer_plugin.so.10.12.0"));
    assertThat(DetectedGpuFacts.findTensorRt(List.of(a, b))).isEqualTo("10.11.0");
    assertThat(DetectedGpuFacts.findTensorRt(List.of(a.resolve("missing")))).isEqualTo("unknown");
  }

  @Test
  void theDriverToolsFirstLineNamesTheGpuAndAFailingOrHangingToolGivesUnknown() {
    assertThat(
            DetectedGpuFacts.commandOutput(
                List.of("sh", "-c", "printf 'NVIDIA L4\\nsecond line\\n'"), Duration.ofSeconds(10)))
        .isEqualTo("NVIDIA L4");
    assertThat(
            DetectedGpuFacts.commandOutput(List.of("sh", "-c", "exit 3"), Duration.ofSeconds(10)))
        .isEqualTo("unknown");
    assertThat(DetectedGpuFacts.commandOutput(List.of("no-such-tool-here"), Duration.ofSeconds(10)))
        .isEqualTo("unknown");
    long start = System.nanoTime();
    assertThat(DetectedGpuFacts.commandOutput(List.of("sleep", "30"), Duration.ofMillis(200)))
        .isEqualTo("unknown");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void theEnvironmentVariableWinsAndTheCpuHostHasNoGpuName(@TempDir Path empty) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    DetectedGpuFacts stated =
        new DetectedGpuFacts(env, Map.of("CLASSIFIER_TENSORRT_VERSION", "10.9.0.34"));
    assertThat(stated.tensorRtVersion()).isEqualTo("10.9.0.34");
    DetectedGpuFacts none = new DetectedGpuFacts(env, Map.of("LD_LIBRARY_PATH", empty.toString()));
    assertThat(none.ortVersion()).isEqualTo(env.getVersion());
    assertThat(none.deviceName(0)).isEqualTo(GpuFacts.UNKNOWN);
  }
}
