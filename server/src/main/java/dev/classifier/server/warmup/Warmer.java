package dev.classifier.server.warmup;

import dev.classifier.server.model.ServedModel;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one kind of synthetic request (one protocol, one RPC shape) for a served model through the
 * server's real stack. {@link WarmupDriver} takes a list of them, so another protocol adds a warmer
 * of its own.
 */
public interface Warmer extends AutoCloseable {
  /** Short name for logs ("Classify", "ClassifyStream"). */
  String name();

  /**
   * Sends one synthetic request for {@code model}; the future completes when it is answered, or
   * exceptionally when it failed. Called from one thread at a time.
   */
  CompletableFuture<?> send(ServedModel model);

  /** Ends whatever the warmer keeps open (streams). */
  @Override
  void close();
}
