package dev.classifier.server.engine.provider;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtEpDevice;
import ai.onnxruntime.OrtHardwareDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link GpuFacts} from the running host: the GPU's name from ONNX Runtime's device discovery
 * ({@link OrtEnvironment#getEpDevices()}: vendor, PCI device id and description) or else from
 * {@code nvidia-smi --query-gpu=name} (bounded by {@link #SMI_TIMEOUT}), the TensorRT version from
 * the {@code CLASSIFIER_TENSORRT_VERSION} environment variable or else from the file name of {@code
 * libnvinfer.so.X.Y.Z} on the library path (ONNX Runtime Java does not expose it).
 */
public final class DetectedGpuFacts implements GpuFacts {
  private static final Pattern NVINFER = Pattern.compile("libnvinfer\\.so\\.(\\d+\\.\\d+\\.\\d+)");

  private final OrtEnvironment env;
  private final Map<String, String> environment;

  public DetectedGpuFacts(OrtEnvironment env, Map<String, String> environment) {
    this.env = env;
    this.environment = environment;
  }

  /**
   * The model of GPU {@code index}. Identical GPUs share a name (and rightly share engines); with
   * one GPU model on the host every index gets it, with several the discovery order is assumed to
   * be CUDA's (ONNX Runtime does not say), and anything unresolved is {@link #UNKNOWN}.
   */
  @Override
  public String deviceName(int index) {
    try {
      Set<String> models = new LinkedHashSet<>();
      for (OrtEpDevice d : env.getEpDevices()) {
        OrtHardwareDevice hw = d.getDevice();
        if (hw.getType() == OrtHardwareDevice.OrtHardwareDeviceType.GPU) {
          String name =
              hw.getVendor()
                  + " "
                  + hw.getMetadata().getOrDefault("Description", "")
                  + " "
                  + String.format("%04x:%04x", hw.getVendorId(), hw.getDeviceId());
          models.add(name.replaceAll("\\s+", " ").trim());
        }
      }
      List<String> list = new ArrayList<>(models);
      if (list.size() == 1) {
        return list.get(0);
      }
      if (index < list.size()) {
        return list.get(index);
      }
    } catch (Exception | LinkageError e) {
      // no device discovery in this build: ask the driver
    }
    return commandOutput(
        List.of(
            "nvidia-smi",
            "--query-gpu=name",
            "--format=csv,noheader",
            "-i",
            Integer.toString(index)),
        SMI_TIMEOUT);
  }

  /** Longest wait for {@code nvidia-smi}. */
  static final java.time.Duration SMI_TIMEOUT = java.time.Duration.ofSeconds(10);

  /**
   * The first line {@code command} prints, or {@link #UNKNOWN} when it is missing, fails, prints
   * nothing or outlives {@code timeout} (it is then killed).
   */
  static String commandOutput(List<String> command, java.time.Duration timeout) {
    Process p = null;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return UNKNOWN;
      }
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      String line = out.lines().findFirst().orElse("").trim();
      return p.exitValue() == 0 && !line.isEmpty() ? line : UNKNOWN;
    } catch (IOException e) {
      return UNKNOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UNKNOWN;
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public String ortVersion() {
    return env.getVersion();
  }

  @Override
  public String tensorRtVersion() {
    String stated = environment.get("CLASSIFIER_TENSORRT_VERSION");
    if (stated != null && !stated.isBlank()) {
      return stated.trim();
    }
    List<Path> dirs = new ArrayList<>();
    String ld = environment.getOrDefault("LD_LIBRARY_PATH", "");
    for (String d : ld.split(":")) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d));
      }
    }
    dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
    dirs.add(Path.of("/usr/lib/aarch64-linux-gnu"));
    return findTensorRt(dirs);
  }

  /** The highest {@code libnvinfer.so.X.Y.Z} version in {@code dirs}, or {@link #UNKNOWN}. */
  static String findTensorRt(List<Path> dirs) {
    String best = null;
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Matcher m = NVINFER.matcher(f.getFileName().toString());
          if (m.matches() && (best == null || newer(m.group(1), best))) {
            best = m.group(1);
          }
        }
      } catch (IOException e) {
        // an unreadable directory tells us nothing
      }
    }
    return best == null ? UNKNOWN : best;
  }

  private static boolean newer(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < 3; i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) {
        return c > 0;
      }
    }
    return false;
  }
}
