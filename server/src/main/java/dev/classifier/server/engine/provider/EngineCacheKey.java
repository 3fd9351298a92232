package dev.classifier.server.engine.provider;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a serialized TensorRT engine depends on, and the cache directory it gets: a change of the
 * model's bytes, the GPU model, the ONNX Runtime version or the TensorRT version gives a new
 * directory, so a stale engine is never loaded (TensorRT engines are specific to all four). Unknown
 * values take part literally (e.g. "unknown"), so they never collide with known ones.
 *
 * @param modelSha256 hex SHA-256 of the model file's bytes
 * @param deviceName the GPU's name (e.g. "NVIDIA A10G")
 * @param ortVersion ONNX Runtime's version
 * @param tensorRtVersion TensorRT's version
 */
public record EngineCacheKey(
    String modelSha256, String deviceName, String ortVersion, String tensorRtVersion) {

  public EngineCacheKey {
    Objects.requireNonNull(modelSha256, "modelSha256");
    Objects.requireNonNull(deviceName, "deviceName");
    Objects.requireNonNull(ortVersion, "ortVersion");
    Objects.requireNonNull(tensorRtVersion, "tensorRtVersion");
  }

  /** The key of {@code model}'s bytes on the given GPU and versions. */
  public static EngineCacheKey of(
      byte[] model, String deviceName, String ortVersion, String tensorRtVersion) {
    return new EngineCacheKey(sha256(model), deviceName, ortVersion, tensorRtVersion);
  }

  /** {@code root/engine-<hash of all four>}: where this model's engines are cached. */
  public Path engineDirectory(Path root) {
    return root.resolve(
        "engine-"
            + sha256(String.join("\n", modelSha256, deviceName, ortVersion, tensorRtVersion)));
  }

  /** {@code root/timing-<hash of GPU and versions>}: layer timings, shared by models. */
  public Path timingDirectory(Path root) {
    return root.resolve(
        "timing-" + sha256(String.join("\n", deviceName, ortVersion, tensorRtVersion)));
  }

  static String sha256(String s) {
    return sha256(s.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
