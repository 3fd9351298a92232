package dev.classifier.loadtest.transport;

import io.grpc.Status;

/** Status code names for outcomes. */
final class StatusCodes {
  private StatusCodes() {}

  static String of(Throwable t) {
    return t == null ? "OK" : Status.fromThrowable(t).getCode().name();
  }

  static String of(int code) {
    Status.Code c = Status.fromCodeValue(code).getCode();
    return c.name();
  }
}
