package dev.classifier.server.core;

/**
 * Where {@link InferenceCore} delivers a request's one answer. The core calls exactly one of the
 * two methods once, from any thread; it never lets a throw from either escape (a throwing {@code
 * onResult} is followed by {@code onFailure}, see {@link Answer}).
 */
public interface InferenceSink {
  void onResult(InferenceOutcome outcome);

  /** Any failure: the translator maps it to its protocol's status (gRPC: {@code Statuses}). */
  void onFailure(Throwable failure);
}
