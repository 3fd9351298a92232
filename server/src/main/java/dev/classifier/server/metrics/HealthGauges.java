package dev.classifier.server.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

/**
 * {@code classifier_health_serving{service}}: 1 while the standard health service answers SERVING
 * for a service name, else 0 (NOT_SERVING, unknown, shutting down). Read from the health service
 * itself (a direct, synchronous {@code Check}), so the gauge and the probes can never disagree.
 */
public final class HealthGauges {
  private HealthGauges() {}

  /**
   * Registers one gauge per service name (idempotent).
   *
   * @param health the server's {@code grpc.health.v1.Health} implementation
   */
  public static void register(
      MetricRegistry registry, BindableService health, Iterable<String> services) {
    if (!(health instanceof HealthGrpc.HealthImplBase impl)) {
      throw new IllegalArgumentException("not a grpc.health.v1 service: " + health.getClass());
    }
    for (String service : services) {
      registry.gauge(
          MetricNames.health(service), () -> (Gauge<Integer>) () -> serving(impl, service));
    }
  }

  static int serving(HealthGrpc.HealthImplBase health, String service) {
    int[] out = {0};
    health.check(
        HealthCheckRequest.newBuilder().setService(service).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(HealthCheckResponse r) {
            out[0] = r.getStatus() == ServingStatus.SERVING ? 1 : 0;
          }

          @Override
          public void onError(Throwable t) {
            out[0] = 0;
          }

          @Override
          public void onCompleted() {}
        });
    return out[0];
  }
}
