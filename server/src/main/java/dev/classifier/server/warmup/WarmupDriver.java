package dev.classifier.server.warmup;

import dev.classifier.server.config.WarmupConfig;
import dev.classifier.server.model.ServedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives synthetic requests through the real serving stack until it is warm: for each model in
 * turn, rounds of {@code concurrency} requests spread over the {@link Warmer}s (unary, stream, and
 * any protocol added later), each round awaited before the next, until {@link WarmupProgress} says
 * the model is done. Runs on the caller's thread (start-up or the reload thread, never an event
 * loop).
 *
 * <p>A model whose synthetic requests keep failing (three whole rounds in a row) stops early with a
 * warning: warm-up never keeps a server from serving, it only delays readiness.
 */
public final class WarmupDriver {
  private static final Logger LOG = LoggerFactory.getLogger(WarmupDriver.class);
  private static final int FAILED_ROUNDS_TO_GIVE_UP = 3;

  /** Extra wait beyond the time cap for one round's answers (they carry their own deadline). */
  private static final long ROUND_SLACK_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final List<Warmer> warmers;
  private final WarmupConfig config;
  private final LongSupplier clock;

  /**
   * @param warmers the request kinds to send, at least one
   * @param clock nanosecond clock (injected for tests)
   */
  public WarmupDriver(List<Warmer> warmers, WarmupConfig config, LongSupplier clock) {
    if (warmers.isEmpty()) {
      throw new IllegalArgumentException("at least one warmer");
    }
    this.warmers = List.copyOf(warmers);
    this.config = config;
    this.clock = clock;
  }

  /** Warms every model in turn. */
  public WarmupReport warm(List<ServedModel> models) throws InterruptedException {
    long start = clock.getAsLong();
    List<WarmupReport.ModelWarmup> out = new ArrayList<>();
    for (ServedModel m : models) {
      out.add(warm(m));
    }
    return new WarmupReport(out, Duration.ofNanos(clock.getAsLong() - start));
  }

  /** Warms one model. */
  public WarmupReport.ModelWarmup warm(ServedModel model) throws InterruptedException {
    WarmupProgress progress = new WarmupProgress(config, warmers.size(), clock);
    int n = config.concurrency();
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
    CompletableFuture<Long>[] round = new CompletableFuture[n];
    int[] warmerOf = new int[n];
    long sent = 0;
    int failedRounds = 0;
    String lastFailure = null;
    while (!progress.done()) {
      for (int i = 0; i < n; i++) {
        int w = (int) (sent++ % warmers.size());
        warmerOf[i] = w;
        long begin = clock.getAsLong();
        CompletableFuture<?> answer;
        try {
          answer = warmers.get(w).send(model);
        } catch (RuntimeException e) {
          answer = CompletableFuture.failedFuture(e);
        }
        round[i] = answer.handle((v, t) -> t == null ? clock.getAsLong() - begin : -1L);
      }
      int failed = 0;
      long waitNanos =
          Math.max(0, config.maxDuration().toNanos() - progress.elapsedNanos()) + ROUND_SLACK_NANOS;
      long waitUntil = System.nanoTime() + waitNanos;
      for (int i = 0; i < n; i++) {
        long latency;
        try {
          latency = round[i].get(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          latency = -1;
          round[i].cancel(false);
        } catch (ExecutionException e) {
          latency = -1; // handle() never completes exceptionally
        }
        if (latency < 0) {
          failed++;
          progress.failed();
          lastFailure = failureOf(warmers.get(warmerOf[i]), model);
        } else {
          progress.answered(warmerOf[i], latency);
        }
      }
      failedRounds = failed == n ? failedRounds + 1 : 0;
      if (failedRounds >= FAILED_ROUNDS_TO_GIVE_UP) {
        LOG.warn(
            "warm-up of model '{}' stopped: {} rounds of synthetic requests failed",
            model.name(),
            failedRounds);
        break;
      }
    }
    boolean converged = progress.converged();
    WarmupReport.ModelWarmup result =
        new WarmupReport.ModelWarmup(
            model.name(),
            progress.requests(),
            progress.failures(),
            Duration.ofNanos(progress.elapsedNanos()),
            converged,
            lastFailure);
    if (!converged) {
      LOG.info(
          "warm-up of model '{}' stopped after {} ms without latency convergence ({} requests)",
          model.name(),
          result.duration().toMillis(),
          result.requests());
    }
    return result;
  }

  private static String failureOf(Warmer w, ServedModel model) {
    return w.name() + " for model '" + model.name() + "' failed";
  }
}
