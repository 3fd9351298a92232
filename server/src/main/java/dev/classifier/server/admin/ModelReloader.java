package dev.classifier.server.admin;

import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.text.ClientText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of served models, one at a time on its own thread (never on a gRPC event loop).
 *
 * <p>A reload loads and warms the new version beside the running one, swaps it into the {@link
 * ModelRegistry} atomically, then retires the old version: its batcher drains (queued and running
 * requests finish on the old session) and is closed. A request that resolved the old version just
 * before the swap and reaches its batcher after it closed is resubmitted to the new version by the
 * core layer ({@code core.Handover}), so nothing is dropped. An optional hand-over delay keeps the
 * old version taking requests a little longer before it drains. A failed load leaves the old
 * version serving.
 */
public final class ModelReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);

  /** How long a replaced model keeps accepting requests after the swap (none needed: see above). */
  public static final Duration DEFAULT_HANDOVER = Duration.ZERO;

  /** Reloads that may wait for the reload thread; more are refused (RESOURCE_EXHAUSTED). */
  public static final int MAX_PENDING = 8;

  private final ModelRegistry registry;
  private final ModelLoader loader;
  private final Map<String, ModelConfig> configs = new ConcurrentHashMap<>();
  private final Duration handover;
  private final Duration drainGrace;
  private final Consumer<String> onReloaded;
  private final ExecutorService executor;
  private boolean closed;

  /**
   * @param configs the configuration each served model was loaded from, by served name
   * @param drainGrace how long a replaced model may take to finish its queued work
   * @param onReloaded called with the model name after each swap (metrics)
   */
  public ModelReloader(
      ModelRegistry registry,
      ModelLoader loader,
      Map<String, ModelConfig> configs,
      Duration handover,
      Duration drainGrace,
      Consumer<String> onReloaded) {
    this.registry = registry;
    this.loader = loader;
    this.configs.putAll(configs);
    this.handover = handover;
    this.drainGrace = drainGrace;
    this.onReloaded = onReloaded;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING),
            r -> {
              Thread t = new Thread(r, "classifier-reload");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Reloads {@code model} (empty = the default) from {@code path}, or from its current file when
   * {@code path} is null. Completes when the new version serves (the old one is retired after).
   */
  public CompletableFuture<ReloadResult> reload(String model, Path path) {
    CompletableFuture<ReloadResult> result = new CompletableFuture<>();
    try {
      executor.execute(() -> reloadAndRetire(model, path, result));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.completeExceptionally(
          executor.isShutdown()
              ? new IllegalStateException("the server is shutting down")
              : new ReloadQueueFullException(MAX_PENDING));
    }
    return result;
  }

  /**
   * One task swaps and then retires the replaced version, so a close right after the swap can never
   * lose it: the caller is answered as soon as the new version serves, the old one is drained and
   * closed (bounded) before the task ends.
   */
  private void reloadAndRetire(String model, Path path, CompletableFuture<ReloadResult> result) {
    Swap swap;
    try {
      swap = reloadNow(model, path);
    } catch (Throwable t) {
      result.completeExceptionally(t);
      return;
    }
    try {
      result.complete(swap.result());
    } finally {
      retire(swap.old());
    }
  }

  /** The outcome of a swap and the version it replaced. */
  private record Swap(ReloadResult result, ServedModel old) {}

  /** Reloads every model that was loaded from a file (SIGHUP); embedded models are skipped. */
  public CompletableFuture<List<ReloadResult>> reloadAllFiles() {
    List<CompletableFuture<ReloadResult>> all = new ArrayList<>();
    for (ServedModel m : registry.all()) {
      ModelConfig c = configs.get(m.name());
      if (c != null && !c.embedded()) {
        all.add(reload(m.name(), null));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
  }

  private Swap reloadNow(String requested, Path path) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the server is shutting down");
      }
    }
    ServedModel current = registry.resolve(requested);
    String name = current.name();
    ModelConfig config = configs.get(name);
    if (config == null || (path == null && config.embedded())) {
      throw new IllegalStateException(
          "model " + ClientText.quote(name) + " is the embedded model; give a path to reload it");
    }
    ModelConfig next = config.withName(name);
    if (path != null) {
      next = next.withPath(path);
    }
    ServedModel fresh;
    try {
      fresh = loader.load(next);
    } catch (Exception e) {
      throw new CompletionException(
          new IllegalArgumentException(
              "cannot load a new version of model "
                  + ClientText.quote(name)
                  + ": "
                  + e.getMessage(),
              e));
    }
    ServedModel old;
    synchronized (this) {
      if (closed) {
        fresh.close();
        throw new IllegalStateException("the server is shutting down");
      }
      old = registry.replace(fresh);
      configs.put(name, next);
    }
    onReloaded.accept(name);
    LOG.info(
        "reloaded model {}: v{} -> v{} from {}",
        name,
        old.version(),
        fresh.version(),
        fresh.source());
    return new Swap(new ReloadResult(name, old.version(), fresh.version(), fresh.source()), old);
  }

  private void retire(ServedModel old) {
    try {
      if (!handover.isZero()) {
        Thread.sleep(handover.toMillis());
      }
      old.drain(drainGrace).get(drainGrace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(
          "draining the replaced version of model {} did not finish cleanly: {}",
          old.name(),
          e.toString());
    } finally {
      old.close(); // bounded: a batch still running is terminated
    }
  }

  /**
   * Refuses further reloads and waits up to {@code timeout} for a running reload and the retirement
   * of replaced versions. After it returns the registry is not changed any more.
   */
  public void close(Duration timeout) throws InterruptedException {
    synchronized (this) {
      closed = true;
    }
    executor.shutdown();
    if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      LOG.warn("model reloads still running at shutdown");
    }
  }

  @Override
  public void close() throws InterruptedException {
    close(drainGrace.plus(handover).plusSeconds(5));
  }
}
