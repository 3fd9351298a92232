package dev.classifier.server.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Placement read from ONNX Runtime's profile events (format of ORT's chrome-trace profile). */
class NodePlacementTest {
  private static NodePlacement parse(String json) throws Exception {
    return NodePlacement.fromProfile(new ObjectMapper().readTree(json));
  }

  private static String node(String name, String op, String provider) {
    return "{\"cat\":\"Node\",\"name\":\""
        + name
        + "_kernel_time\",\"args\":{\"op_name\":\""
        + op
        + "\",\"provider\":\""
        + provider
        + "\"}},{\"cat\":\"Node\",\"name\":\""
        + name
        + "_fence_before\",\"args\":{\"op_name\":\""
        + op
        + "\"}}";
  }

  @Test
  void aTensorRtSubgraphWithCpuLeftoversIsAFallbackToTheCpu() throws Exception {
    NodePlacement p =
        parse(
            "[{\"cat\":\"Session\",\"name\":\"model_run\",\"args\":{}},"
                + node(
                    "TRTKernel_graph_main_0", "TRTKernel_graph_main_0", "TensorrtExecutionProvider")
                + ","
                + node("shape_1", "Shape", "CPUExecutionProvider")
                + ","
                + node("gather_2", "Gather", "CPUExecutionProvider")
                + ","
                + node("copy_in", "MemcpyFromHost", "CUDAExecutionProvider")
                + ","
                + node("shape_1", "Shape", "CPUExecutionProvider")
                + "]");
    assertThat(p.nodesByProvider())
        .containsExactly(java.util.Map.entry("cpu", 2), java.util.Map.entry("tensorrt", 1));
    assertThat(p.primary(List.of("tensorrt", "cuda", "cpu"))).isEqualTo("tensorrt");
    assertThat(p.nodesNotOn("tensorrt")).isEqualTo(2);
    assertThat(p.describe())
        .isEqualTo("cpu 2 nodes (Gather, Shape), tensorrt 1 node (TRTKernel_graph_main_0)");
    assertThat(
            new DevicePlacement("gpu:0", List.of("tensorrt", "cuda", "cpu"), p)
                .runsOnlyOn("tensorrt"))
        .isFalse();
  }

  @Test
  void allNodesOnCudaRunOnlyOnCudaDespiteTheInsertedCopies() throws Exception {
    NodePlacement p =
        parse(
            "["
                + node("conv", "Conv", "CUDAExecutionProvider")
                + ","
                + node("copy_out", "MemcpyToHost", "CPUExecutionProvider")
                + "]");
    DevicePlacement d = new DevicePlacement("gpu:1", List.of("cuda", "cpu"), p);
    assertThat(d.provider()).isEqualTo("cuda");
    assertThat(d.runsOnlyOn("cuda")).isTrue();
    assertThat(d.nodeProviders()).containsExactly("cuda");
  }

  @Test
  void providerNamesAreShortened() {
    assertThat(NodePlacement.shortName("TensorrtExecutionProvider")).isEqualTo("tensorrt");
    assertThat(NodePlacement.shortName("CUDAExecutionProvider")).isEqualTo("cuda");
    assertThat(NodePlacement.shortName("CPUExecutionProvider")).isEqualTo("cpu");
    assertThat(NodePlacement.shortName("DmlExecutionProvider")).isEqualTo("dml");
  }
}
