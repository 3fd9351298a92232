package dev.classifier.loadtest.transport;

import java.util.function.Consumer;

/** Sends requests of a fixed payload; thread-safe. */
public interface RequestSender extends AutoCloseable {
  /**
   * Sends one request. {@code done} is called exactly once, on any thread, with the gRPC status
   * code name ("OK" on success). May block briefly for flow control (a full stream window).
   */
  void send(Consumer<String> done) throws InterruptedException;

  /** Images carried by each request. */
  int imagesPerRequest();

  /** unary, stream or echo. */
  String transport();

  /** Serialized size of one request message, in bytes. */
  int requestBytes();

  @Override
  void close() throws InterruptedException;
}
