package dev.classifier.server.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The served models by name, and which one answers requests that name none. */
public final class ModelRegistry implements AutoCloseable {
  private final Map<String, ServedModel> models;
  private final String defaultName;

  public ModelRegistry(List<ServedModel> served, String defaultName) {
    if (served.isEmpty()) {
      throw new IllegalArgumentException("no models to serve");
    }
    Map<String, ServedModel> byName = new LinkedHashMap<>();
    for (ServedModel m : served) {
      if (byName.putIfAbsent(m.name(), m) != null) {
        throw new IllegalArgumentException("two models are named '" + m.name() + "'");
      }
    }
    this.models = byName;
    this.defaultName = defaultName == null ? served.get(0).name() : defaultName;
    if (!byName.containsKey(this.defaultName)) {
      throw new IllegalArgumentException(
          "defaultModel '" + this.defaultName + "' is not among the models " + byName.keySet());
    }
  }

  /** The model a request means: {@code name}, or the default when empty. */
  public ServedModel resolve(String name) {
    String key = name == null || name.isEmpty() ? defaultName : name;
    ServedModel m = models.get(key);
    if (m == null) {
      throw new ModelNotFoundException(key, models.keySet());
    }
    return m;
  }

  public String defaultName() {
    return defaultName;
  }

  public Collection<ServedModel> all() {
    return models.values();
  }

  /** Stops every model's intake and drains it within {@code grace}; completes when all are done. */
  public CompletableFuture<Void> drain(Duration grace) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ServedModel m : models.values()) {
      all.add(m.drain(grace));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  @Override
  public void close() {
    for (ServedModel m : models.values()) {
      m.close();
    }
  }
}
