package dev.classifier.server.engine.provider;

import java.util.List;
import java.util.Objects;

/**
 * Where one device's session runs (its instances share it): the providers requested, in
 * registration order, and the nodes each provider actually ran.
 *
 * @param device "cpu" or "gpu:N"
 * @param requested providers registered for the session, "cpu" last
 * @param nodes where the nodes ran in a profiled warm-up run
 */
public record DevicePlacement(String device, List<String> requested, NodePlacement nodes) {
  public DevicePlacement {
    Objects.requireNonNull(device, "device");
    requested = List.copyOf(requested);
    Objects.requireNonNull(nodes, "nodes");
  }

  /** A CPU session with nothing profiled (models built without the loader, e.g. in tests). */
  public static DevicePlacement assumedCpu(String device) {
    return new DevicePlacement(device, List.of("cpu"), NodePlacement.cpuOnly());
  }

  /** The instance's provider: the highest-priority requested provider that ran a node. */
  public String provider() {
    return nodes.primary(requested);
  }

  /** Providers that ran at least one node, most nodes first. */
  public List<String> nodeProviders() {
    return nodes.providers();
  }

  /** Whether every node ran on {@code provider} (and at least one did, or the graph is empty). */
  public boolean runsOnlyOn(String provider) {
    return nodes.nodesNotOn(provider) == 0;
  }
}
