package dev.classifier.loadtest.scenario;

/** A load that runs on its own thread until stopped. */
public interface Load {
  /** Stops sending and waits (bounded) for the requests in flight to be answered. */
  void stop() throws InterruptedException;
}
