package dev.classifier.loadtest.scenario;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a server's readiness ({@code grpc.health.v1} Check of the {@code ready} service) by
 * polling every {@value #POLL_MILLIS} ms, so a cold-start run can begin measuring within a poll of
 * the moment the server turns SERVING. Unreachable (not listening yet) counts as not ready.
 */
public final class ReadinessWait {
  static final long POLL_MILLIS = 10;
  public static final String READINESS = "ready";

  private ReadinessWait() {}

  /** True once the server is SERVING; false when {@code timeout} passed first. */
  public static boolean await(Channel channel, Duration timeout) {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(READINESS).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (health.withDeadlineAfter(1, TimeUnit.SECONDS).check(request).getStatus()
            == ServingStatus.SERVING) {
          return true;
        }
      } catch (StatusRuntimeException e) {
        // not listening yet, or the name is not registered yet: not ready
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
  }
}
