package dev.classifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles, without a Docker engine: every file they copy exists in the build context after
 * the Maven build (the server jar from the build stage mapped back to the repository), they run as
 * a non-root user from the copied entrypoint, the GPU image matches ONNX Runtime GPU's CUDA 12 /
 * cuDNN 9 / TensorRT 10 build; and the entrypoint script works when run directly (with the real
 * server jar) and passes shellcheck where it is installed.
 */
class DockerImagesTest {
  private static final String BUILD_ROOT = "/src/";

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void everyCopiedFileExistsAfterTheBuild(String name) throws Exception {
    Dockerfile d = Dockerfile.parse(Repo.read("deploy/docker/" + name));
    List<Dockerfile.Copy> copies = d.copies();
    assertThat(copies).isNotEmpty();
    for (Dockerfile.Copy c : copies) {
      for (String src : c.sources()) {
        Path p;
        if (c.from() == null) {
          p = Repo.path(src);
        } else {
          assertThat(c.from()).isEqualTo("build");
          assertThat(src).startsWith(BUILD_ROOT);
          String rel = src.substring(BUILD_ROOT.length());
          // the image builds into target/; a test build may use another folder (-Dbd=...)
          rel =
              rel.replace(
                  "/target/", "/" + System.getProperty("classifier.buildDir", "target") + "/");
          p = Repo.path(rel);
        }
        assertThat(p).as(name + ": COPY " + src).exists();
        assertThat(Repo.root().relativize(p.toAbsolutePath().normalize()).toString())
            .as("not excluded by .dockerignore")
            .doesNotStartWith(".git");
      }
    }
    String entrypoint = d.last("ENTRYPOINT").args();
    assertThat(copies)
        .anySatisfy(
            c -> {
              assertThat(c.sources()).containsExactly("deploy/docker/entrypoint.sh");
              assertThat(entrypoint).contains("\"" + c.destination() + "\"");
            });
    assertThat(Files.isExecutable(Repo.path("deploy/docker/entrypoint.sh"))).isTrue();
    String user = d.last("USER").args();
    assertThat(user).doesNotStartWith("0").doesNotStartWith("root");
    assertThat(d.last("EXPOSE").args().split("\\s+")).containsExactly("50051", "9090");
    assertThat(d.last("VOLUME").args()).contains("/models").contains("/tmp");
    // the tag in the build instructions is the one the Kubernetes overlays deploy
    String tag = Repo.version() + (name.endsWith(".gpu") ? "-gpu" : "");
    assertThat(Repo.read("deploy/docker/" + name))
        .contains("-t " + DockerImages.NAME + ":" + tag + " .");
  }

  @Test
  void gpuImageMatchesTheOnnxRuntimeGpuBuild() throws Exception {
    String text = Repo.read("deploy/docker/Dockerfile.gpu");
    Dockerfile d = Dockerfile.parse(text);
    assertThat(d.all("RUN").get(0).args()).contains("-Pgpu");
    Matcher cuda =
        Pattern.compile("ARG CUDA_IMAGE=nvidia/cuda:(12\\.[0-9.]+)-cudnn-runtime").matcher(text);
    assertThat(cuda.find()).as("CUDA 12 + cuDNN base").isTrue();
    Matcher trt =
        Pattern.compile("ARG TENSORRT_VERSION=10\\.[0-9.]+-1\\+cuda(12\\.[0-9]+)").matcher(text);
    assertThat(trt.find()).as("TensorRT 10 for CUDA 12").isTrue();
    assertThat(cuda.group(1)).startsWith(trt.group(1));
    // onnxruntime_gpu of the -Pgpu profile is the version this image was made for
    assertThat(Repo.read("pom.xml")).contains("<onnxruntime.version>1.29.0</onnxruntime.version>");
    assertThat(Repo.read("server/pom.xml"))
        .contains("<onnxruntime.artifactId>onnxruntime_gpu</onnxruntime.artifactId>");
  }

  @Test
  void entrypointStartsTheJarWithContainerAwareFlagsAndTheMountedConfig() throws Exception {
    Path jar = Repo.jar("server", "classifier-server");
    assumeTrue(Files.exists(jar), "server jar not built: " + jar);
    ProcessBuilder pb =
        new ProcessBuilder(
            "sh", Repo.path("deploy/docker/entrypoint.sh").toString(), "--print-config");
    pb.environment().put("CLASSIFIER_JAR", jar.toString());
    pb.environment().put("CLASSIFIER_CONFIG", Repo.path("deploy/k8s/base/server.yaml").toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    Tools.Result r = run(pb);
    assertThat(r.exitCode()).as(r.output()).isZero();
    // the default config file was used (host 0.0.0.0 comes only from it)
    assertThat(r.output()).contains("host: 0.0.0.0").contains("metricsPort: 9090");
    assertThat(r.output())
        .contains("-XX:MaxRAMPercentage=50")
        .contains("-XX:+ExitOnOutOfMemoryError");

    // an explicit --config wins over CLASSIFIER_CONFIG
    ProcessBuilder explicit =
        new ProcessBuilder(
            "sh",
            Repo.path("deploy/docker/entrypoint.sh").toString(),
            "--config",
            Repo.path("deploy/config/sample.yaml").toString(),
            "--print-config");
    explicit.environment().putAll(pb.environment());
    explicit.environment().remove("JAVA_OPTS");
    Tools.Result e = run(explicit);
    assertThat(e.exitCode()).as(e.output()).isZero();
    assertThat(e.output()).contains("host: 127.0.0.1");
  }

  @Test
  void entrypointFailsClearlyWithoutTheJar() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("sh", Repo.path("deploy/docker/entrypoint.sh").toString());
    pb.environment().put("CLASSIFIER_HOME", "/nonexistent");
    pb.environment().remove("CLASSIFIER_JAR");
    Tools.Result r = run(pb);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.output()).contains("server jar not found: /nonexistent/classifier-server.jar");
  }

  @Test
  void shellScriptsPassShellcheck() throws Exception {
    assumeTrue(Repo.onPath("shellcheck"), "shellcheck is not installed (.ci/run installs it)");
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "deploy/docker/entrypoint.sh"));
    if (Files.exists(Repo.path("deploy/scale-out/measure.sh"))) {
      cmd.add("deploy/scale-out/measure.sh");
    }
    Tools.Result r = Tools.run(Repo.root(), 60, cmd);
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  private static Tools.Result run(ProcessBuilder pb) throws Exception {
    pb.directory(Repo.root().toFile());
    return Tools.run(pb, 60);
  }
}
