package dev.classifier.server.warmup;

import dev.classifier.server.config.WarmupConfig;
import dev.classifier.server.model.ServedModel;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One server's warm-up: opens a channel to the server itself (the same transport, services and
 * interceptors clients hit), marks its calls as warm-up, runs a {@link WarmupDriver} with one
 * {@link Warmer} per registered kind, then closes the channel and opens the {@link WarmupGate}.
 */
public final class ServingWarmup {
  /** Deadline of one synthetic unary call. */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private final WarmupConfig config;
  private final WarmupGate gate;
  private final Supplier<ManagedChannel> channels;
  private final LongSupplier clock;
  private final List<Function<Channel, Warmer>> warmers = new CopyOnWriteArrayList<>();

  /**
   * @param channels opens a channel to the running server (loopback)
   */
  public ServingWarmup(
      WarmupConfig config, WarmupGate gate, Supplier<ManagedChannel> channels, LongSupplier clock) {
    this.config = config;
    this.gate = gate;
    this.channels = channels;
    this.clock = clock;
    warmers.add(ch -> new UnaryWarmer(ch, CALL_DEADLINE));
    warmers.add(StreamWarmer::new);
  }

  /** Adds a kind of synthetic request (another protocol's inference call). */
  public void addWarmer(Function<Channel, Warmer> factory) {
    warmers.add(factory);
  }

  public WarmupGate gate() {
    return gate;
  }

  /** Start-up: warms every model (when enabled), then opens the gate. */
  public WarmupReport atStart(List<ServedModel> models) throws InterruptedException {
    try {
      return config.enabled() ? run(models, config) : WarmupReport.none();
    } finally {
      gate.open();
    }
  }

  /** After a hot reload: a convergence-only pass for the new version (the gate stays open). */
  public WarmupReport afterReload(ServedModel model) throws InterruptedException {
    return config.enabled() ? run(List.of(model), config.afterReload()) : WarmupReport.none();
  }

  private WarmupReport run(List<ServedModel> models, WarmupConfig c) throws InterruptedException {
    ManagedChannel channel = channels.get();
    Channel marked = ClientInterceptors.intercept(channel, WarmupGate.marker());
    List<Warmer> open = new ArrayList<>();
    try {
      for (Function<Channel, Warmer> f : warmers) {
        open.add(f.apply(marked));
      }
      return new WarmupDriver(open, c, clock).warm(models);
    } finally {
      open.forEach(Warmer::close);
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    }
  }
}
