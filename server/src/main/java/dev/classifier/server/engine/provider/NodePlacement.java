package dev.classifier.server.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which provider ran each node of a session, read from ONNX Runtime's profile of a real run (each
 * node event names its {@code provider}). This is the provider truth ONNX Runtime Java allows: it
 * has no API for node assignment, but the profile records where every kernel actually ran,
 * including the nodes TensorRT or CUDA left to the CPU. A TensorRT subgraph counts as one node (one
 * fused kernel). The copies ONNX Runtime inserts between host and device (MemcpyFromHost/ToHost)
 * are not counted: they are transfers, not a fallback.
 *
 * @param nodesByProvider short provider name (tensorrt, cuda, cpu, or ONNX Runtime's own name for
 *     others) to the number of distinct nodes it ran; insertion order = most nodes first
 * @param opsByProvider short provider name to the operator types it ran
 */
public record NodePlacement(
    Map<String, Integer> nodesByProvider, Map<String, Set<String>> opsByProvider) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public NodePlacement {
    nodesByProvider = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodesByProvider));
    opsByProvider = Map.copyOf(opsByProvider);
  }

  /** A placement known without profiling (a plan with no GPU provider runs on the CPU). */
  public static NodePlacement cpuOnly() {
    return new NodePlacement(Map.of("cpu", 0), Map.of());
  }

  /** Reads an ONNX Runtime profile file. */
  public static NodePlacement fromProfile(Path profile) throws IOException {
    return fromProfile(JSON.readTree(profile.toFile()));
  }

  static NodePlacement fromProfile(JsonNode events) {
    Map<String, Set<String>> nodes = new TreeMap<>();
    Map<String, Set<String>> ops = new TreeMap<>();
    for (JsonNode e : events) {
      if (!"Node".equals(e.path("cat").asText())) {
        continue;
      }
      JsonNode args = e.path("args");
      String provider = args.path("provider").asText("");
      if (provider.isEmpty()) {
        continue;
      }
      String op = args.path("op_name").asText("");
      if (op.startsWith("Memcpy")) {
        continue; // host/device copies ONNX Runtime inserts around a GPU subgraph: not compute
      }
      String name = e.path("name").asText();
      String node = name.replaceFirst("_(kernel_time|fence_before|fence_after)$", "");
      String shortName = shortName(provider);
      nodes.computeIfAbsent(shortName, k -> new TreeSet<>()).add(node);
      if (!op.isEmpty()) {
        ops.computeIfAbsent(shortName, k -> new TreeSet<>()).add(op);
      }
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    nodes.entrySet().stream()
        .sorted((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()))
        .forEach(en -> counts.put(en.getKey(), en.getValue().size()));
    return new NodePlacement(counts, ops);
  }

  /** tensorrt, cuda or cpu for ONNX Runtime's provider names; others lower-cased. */
  public static String shortName(String ortName) {
    return switch (ortName) {
      case "TensorrtExecutionProvider" -> "tensorrt";
      case "CUDAExecutionProvider" -> "cuda";
      case "CPUExecutionProvider" -> "cpu";
      default -> ortName.replace("ExecutionProvider", "").toLowerCase(Locale.ROOT);
    };
  }

  /** Providers that ran at least one node. */
  public List<String> providers() {
    return List.copyOf(nodesByProvider.keySet());
  }

  /**
   * The instance's provider: the first of {@code requested} (registration order) that ran a node;
   * "cpu" when none did.
   */
  public String primary(List<String> requested) {
    for (String p : requested) {
      if (nodesByProvider.containsKey(p)) {
        return p;
      }
    }
    return nodesByProvider.isEmpty() ? "cpu" : nodesByProvider.keySet().iterator().next();
  }

  /** Nodes run by providers other than {@code provider}. */
  public int nodesNotOn(String provider) {
    int n = 0;
    for (Map.Entry<String, Integer> e : nodesByProvider.entrySet()) {
      if (!e.getKey().equals(provider)) {
        n += e.getValue();
      }
    }
    return n;
  }

  /** "tensorrt 1 node, cpu 2 nodes (Gather, Shape)" */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Integer> e : nodesByProvider.entrySet()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e.getKey())
          .append(' ')
          .append(e.getValue())
          .append(e.getValue() == 1 ? " node" : " nodes");
      Set<String> o = opsByProvider.get(e.getKey());
      if (o != null && !o.isEmpty() && o.size() <= 8) {
        sb.append(" (").append(String.join(", ", o)).append(')');
      }
    }
    return sb.toString();
  }
}
