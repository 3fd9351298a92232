package dev.classifier.server.engine.provider;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads where a session's nodes ran from the profile of its runs so far (the session must have been
 * created with profiling on), ends the profiling, deletes the file, and enforces {@code
 * requireProvider}.
 */
public final class PlacementProbe {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementProbe.class);

  private PlacementProbe() {}

  /**
   * @param requested the session's providers in registration order, "cpu" last
   * @param required null, or the provider every node must have run on
   * @throws IllegalStateException when {@code required} is set and a node ran elsewhere
   */
  public static DevicePlacement read(
      String model, String device, OrtSession session, List<String> requested, String required)
      throws OrtException, IOException {
    Path file = Path.of(session.endProfiling());
    NodePlacement nodes;
    try {
      nodes = NodePlacement.fromProfile(file);
    } finally {
      Files.deleteIfExists(file);
    }
    DevicePlacement placement = new DevicePlacement(device, requested, nodes);
    LOG.info(
        "model {} on {}: runs on {} (requested {}; nodes: {})",
        model,
        device,
        placement.provider(),
        placement.requested(),
        nodes.describe());
    if (required != null && !placement.runsOnlyOn(required)) {
      throw new IllegalStateException(
          "model '"
              + model
              + "' on "
              + device
              + ": engine.requireProvider is "
              + required
              + " but its nodes ran on "
              + nodes.describe()
              + " (requested "
              + placement.requested()
              + "); fix the providers/devices or drop requireProvider to accept the fallback");
    }
    return placement;
  }
}
