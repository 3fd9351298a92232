package dev.classifier.server.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Any change of model, GPU, ONNX Runtime or TensorRT gives a new engine cache directory. */
class EngineCacheKeyTest {
  private static final Path ROOT = Path.of("/cache");
  private static final byte[] MODEL = "model-v1".getBytes(StandardCharsets.UTF_8);

  @Test
  void theModelHashIsSha256OfTheBytes() throws Exception {
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(MODEL));
    assertThat(EngineCacheKey.of(MODEL, "gpu", "1.29.0", "10.9.0").modelSha256())
        .isEqualTo(expected);
  }

  @Test
  void changingAnyInputChangesTheEngineDirectory() {
    EngineCacheKey base = EngineCacheKey.of(MODEL, "NVIDIA L4", "1.29.0", "10.9.0");
    List<EngineCacheKey> variants =
        List.of(
            base,
            EngineCacheKey.of(
                "model-v2".getBytes(StandardCharsets.UTF_8), "NVIDIA L4", "1.29.0", "10.9.0"),
            EngineCacheKey.of(MODEL, "NVIDIA A10G", "1.29.0", "10.9.0"),
            EngineCacheKey.of(MODEL, "NVIDIA L4", "1.30.0", "10.9.0"),
            EngineCacheKey.of(MODEL, "NVIDIA L4", "1.29.0", "10.11.0"),
            EngineCacheKey.of(MODEL, "NVIDIA L4", "1.29.0", GpuFacts.UNKNOWN),
            EngineCacheKey.of(MODEL, GpuFacts.UNKNOWN, "1.29.0", "10.9.0"));
    Set<Path> dirs =
        variants.stream().map(k -> k.engineDirectory(ROOT)).collect(Collectors.toSet());
    assertThat(dirs).hasSize(variants.size());
    assertThat(EngineCacheKey.of(MODEL, "NVIDIA L4", "1.29.0", "10.9.0").engineDirectory(ROOT))
        .isEqualTo(base.engineDirectory(ROOT));
    assertThat(base.engineDirectory(ROOT).getParent()).isEqualTo(ROOT);
  }

  @Test
  void theTimingCacheIsSharedByModelsButNotByGpusOrVersions() {
    EngineCacheKey a = EngineCacheKey.of(MODEL, "NVIDIA L4", "1.29.0", "10.9.0");
    EngineCacheKey otherModel =
        EngineCacheKey.of(
            "other".getBytes(StandardCharsets.UTF_8), "NVIDIA L4", "1.29.0", "10.9.0");
    assertThat(otherModel.timingDirectory(ROOT)).isEqualTo(a.timingDirectory(ROOT));
    assertThat(EngineCacheKey.of(MODEL, "NVIDIA T4", "1.29.0", "10.9.0").timingDirectory(ROOT))
        .isNotEqualTo(a.timingDirectory(ROOT));
    assertThat(EngineCacheKey.of(MODEL, "NVIDIA L4", "1.29.0", "10.8.0").timingDirectory(ROOT))
        .isNotEqualTo(a.timingDirectory(ROOT));
  }

  @Test
  void separatorsInsideValuesCannotMakeTwoKeysCollide() {
    // GPU names hold spaces and colons; moving text from one field to the next changes the key
    EngineCacheKey x = new EngineCacheKey("m", "NVIDIA L4 10de:27b8", "1.29.0", "10.9.0");
    EngineCacheKey y = new EngineCacheKey("m", "NVIDIA L4", "10de:27b8 1.29.0", "10.9.0");
    assertThat(x.engineDirectory(ROOT)).isNotEqualTo(y.engineDirectory(ROOT));
  }
}
