package dev.classifier.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatcherListener;
import dev.classifier.proto.v1.InstanceInfo;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.engine.EngineOptions;
import dev.classifier.server.engine.SessionFactory;
import dev.classifier.server.engine.provider.GpuFacts;
import dev.classifier.server.engine.provider.ProviderOptions;
import dev.classifier.server.engine.provider.ProviderPlan;
import dev.classifier.server.grpc.ModelInfos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which provider each instance really runs on, read from a profiled warm-up run of the real
 * embedded model; {@code requireProvider} turning a fallback into a load error.
 */
class ProviderTruthTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private static final GpuFacts FACTS =
      new GpuFacts() {
        @Override
        public String deviceName(int index) {
          return "Test GPU";
        }

        @Override
        public String ortVersion() {
          return ENV.getVersion();
        }

        @Override
        public String tensorRtVersion() {
          return UNKNOWN;
        }
      };

  private static ModelConfig model(List<String> devices, EngineOptions engine) {
    return new ModelConfig(
        "m", null, null, null, BatchPolicy.builder().maxBatchSize(4).build(), devices, 2, engine);
  }

  private static EngineOptions engine(List<String> providers, String require) {
    return new EngineOptions(1, providers, true, Duration.ofSeconds(30))
        .withProviderOptions(new ProviderOptions(null, null, false, require));
  }

  /**
   * A loader whose session factory believes CUDA and TensorRT are present but registers nothing:
   * the sessions really run on the CPU, as when a GPU provider silently takes no node.
   */
  private static ModelLoader silentlyFallingBack(List<ProviderPlan.Step> registered) {
    SessionFactory sessions =
        new SessionFactory(
            ENV,
            () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT),
            (options, step) -> {
              registered.add(step);
              return () -> {};
            });
    return new ModelLoader(ENV, n -> BatcherListener.NO_OP, n -> {}, sessions, FACTS);
  }

  @Test
  void aCpuModelReportsCpuForEveryInstanceInModelInfo() throws Exception {
    try (ServedModel m = TestModels.load(model(List.of("cpu"), engine(List.of("cpu"), "cpu")))) {
      assertThat(m.placement("cpu").provider()).isEqualTo("cpu");
      assertThat(m.placement("cpu").nodeProviders()).containsExactly("cpu");
      assertThat(m.placement("cpu").nodes().nodesByProvider().get("cpu")).isPositive();
      ModelInfo info = ModelInfos.describe(m, true);
      assertThat(info.getInstancesList())
          .extracting(InstanceInfo::getDevice, InstanceInfo::getIndex, InstanceInfo::getProvider)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("cpu", 0, "cpu"),
              org.assertj.core.groups.Tuple.tuple("cpu", 1, "cpu"));
      assertThat(info.getInstances(0).getNodeProvidersList()).containsExactly("cpu");
      assertThat(info.getInstances(0).getRequestedProvidersList()).containsExactly("cpu");
      assertThat(info.getInstances(0).getMaxBatchSize()).isEqualTo(4);
    }
  }

  @Test
  void requireCudaOnTheCpuBuildIsALoadErrorNamingTheMissingProvider() {
    assertThatThrownBy(
            () -> TestModels.load(model(List.of("gpu:0"), engine(List.of("cuda"), "cuda"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("execution provider 'cuda' is not in this ONNX Runtime build")
        .hasMessageContaining("-Pgpu");
  }

  @Test
  void aFallbackToTheCpuIsReportedAndWithRequireProviderFailsTheLoad() throws Exception {
    List<ProviderPlan.Step> registered = new ArrayList<>();
    try (ServedModel m =
        silentlyFallingBack(registered)
            .load(model(List.of("gpu:0"), engine(List.of("tensorrt", "cuda"), null)))) {
      assertThat(registered)
          .extracting(ProviderPlan.Step::provider)
          .containsExactly("tensorrt", "cuda");
      assertThat(m.placement("gpu:0").requested()).containsExactly("tensorrt", "cuda", "cpu");
      assertThat(m.placement("gpu:0").provider()).isEqualTo("cpu");
    }

    assertThatThrownBy(
            () ->
                silentlyFallingBack(new ArrayList<>())
                    .load(model(List.of("gpu:0"), engine(List.of("tensorrt", "cuda"), "tensorrt"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("model 'm' on gpu:0: engine.requireProvider is tensorrt")
        .hasMessageContaining("but its nodes ran on cpu ")
        .hasMessageContaining("requested [tensorrt, cuda, cpu]");
  }
}
