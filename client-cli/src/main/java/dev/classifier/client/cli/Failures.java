package dev.classifier.client.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Turns call failures into one-line messages for people. */
final class Failures {
  /** Exit code when the server cannot be reached. */
  static final int UNREACHABLE = 3;

  /** Exit code when the server answered with an error. */
  static final int SERVER_ERROR = 4;

  private Failures() {}

  static String describe(String server, StatusRuntimeException e) {
    Status s = e.getStatus();
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return "cannot reach the server at "
          + server
          + " ("
          + (s.getDescription() == null ? "UNAVAILABLE" : s.getDescription())
          + "); is it running?";
    }
    if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "the server at " + server + " did not answer in time (" + s.getDescription() + ")";
    }
    return "server error " + s.getCode() + ": " + s.getDescription();
  }

  static int exitCode(StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.UNAVAILABLE ? UNREACHABLE : SERVER_ERROR;
  }
}
