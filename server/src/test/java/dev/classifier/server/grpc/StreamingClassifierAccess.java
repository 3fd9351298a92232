package dev.classifier.server.grpc;

import dev.classifier.client.ClassifierClient;
import dev.classifier.client.StreamingClassifier;
import io.grpc.ManagedChannel;

/** Opens client-library streams over a test channel. */
final class StreamingClassifierAccess {
  private StreamingClassifierAccess() {}

  static StreamingClassifier open(
      ManagedChannel channel, int window, StreamingClassifier.Listener listener) {
    return new ClassifierClient(channel, false, null).openStream(window, listener);
  }
}
