package dev.classifier.server.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The served models by name, and which one answers requests that name none.
 *
 * <p>Lookups are lock-free reads of an immutable snapshot; {@link #replace(ServedModel)} swaps one
 * model atomically (hot reload): requests resolved before the swap keep the old model, later ones
 * get the new one.
 */
public final class ModelRegistry implements AutoCloseable {
  private volatile Map<String, ServedModel> models;
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
    this.models = Collections.unmodifiableMap(byName);
    this.defaultName = defaultName == null ? served.get(0).name() : defaultName;
    if (!byName.containsKey(this.defaultName)) {
      throw new IllegalArgumentException(
          "defaultModel '" + this.defaultName + "' is not among the models " + byName.keySet());
    }
  }

  /** The model a request means: {@code name}, or the default when empty. */
  public ServedModel resolve(String name) {
    String key = name == null || name.isEmpty() ? defaultName : name;
    Map<String, ServedModel> snapshot = models;
    ServedModel m = snapshot.get(key);
    if (m == null) {
      throw new ModelNotFoundException(key, snapshot.keySet());
    }
    return m;
  }

  public String defaultName() {
    return defaultName;
  }

  /** The models served right now (a snapshot, in configuration order). */
  public Collection<ServedModel> all() {
    return models.values();
  }

  /**
   * Serves {@code replacement} in place of the model of the same name, atomically, and returns the
   * model it replaced; the caller drains and closes that one.
   *
   * @throws ModelNotFoundException when no model of that name is served
   */
  public synchronized ServedModel replace(ServedModel replacement) {
    Map<String, ServedModel> next = new LinkedHashMap<>(models);
    ServedModel old = next.get(replacement.name());
    if (old == null) {
      throw new ModelNotFoundException(replacement.name(), next.keySet());
    }
    next.put(replacement.name(), replacement);
    models = Collections.unmodifiableMap(next);
    return old;
  }

  /** Stops every model's intake and drains it within {@code grace}; completes when all are done. */
  public CompletableFuture<Void> drain(Duration grace) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ServedModel m : models.values()) {
      all.add(m.drain(grace));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /**
   * Terminates and answers (UNAVAILABLE) the batches still running in every model, so that a drain
   * whose grace is over completes even when a run never returns.
   */
  public void abandonRunning() {
    for (ServedModel m : models.values()) {
      m.abandonRunning();
    }
  }

  @Override
  public void close() {
    for (ServedModel m : models.values()) {
      m.close();
    }
  }
}
