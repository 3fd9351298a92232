package dev.classifier.server.health;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * What the standard gRPC health service ({@code grpc.health.v1.Health}) reports, by service name:
 *
 * <ul>
 *   <li>{@value #LIVENESS}: SERVING as soon as the server listens, until shutdown begins (a
 *       Kubernetes liveness probe; warm-up does not fail it);
 *   <li>{@value #OVERALL} (empty), {@value #READINESS} and {@value #CLASSIFIER_SERVICE}: SERVING
 *       once every model is loaded and warmed up, NOT_SERVING before that and from the start of
 *       shutdown (readiness probes, load balancers);
 *   <li>each model's name: SERVING once that model is warmed up, NOT_SERVING from shutdown.
 * </ul>
 */
public final class ServingHealth {
  public static final String OVERALL = "";
  public static final String LIVENESS = "live";
  public static final String READINESS = "ready";
  public static final String CLASSIFIER_SERVICE = "classifier.v1.Classifier";

  private final HealthStatusManager health = new HealthStatusManager();
  private volatile boolean ready;
  private volatile boolean draining;

  /** Listening, models not loaded yet. */
  public ServingHealth() {
    health.setStatus(LIVENESS, ServingStatus.SERVING);
    setReady(ServingStatus.NOT_SERVING);
  }

  public BindableService service() {
    return health.getHealthService();
  }

  /** The underlying manager (tests, extra services). */
  public HealthStatusManager manager() {
    return health;
  }

  /** One model is loaded and warmed up. */
  public void modelReady(String model) {
    health.setStatus(model, ServingStatus.SERVING);
  }

  /** A model is known but not (yet) serving. */
  public void modelNotReady(String model) {
    health.setStatus(model, ServingStatus.NOT_SERVING);
  }

  /** Every model serves. */
  public void ready() {
    ready = true;
    setReady(ServingStatus.SERVING);
  }

  /** True once every model serves, until shutdown begins (Open Inference Protocol ServerReady). */
  public boolean isReady() {
    return ready && !draining;
  }

  /** True until shutdown begins (Open Inference Protocol ServerLive). */
  public boolean isLive() {
    return !draining;
  }

  /** Shutdown began: everything NOT_SERVING, and stays so. */
  public void draining() {
    draining = true;
    health.enterTerminalState();
  }

  private void setReady(ServingStatus status) {
    health.setStatus(OVERALL, status);
    health.setStatus(READINESS, status);
    health.setStatus(CLASSIFIER_SERVICE, status);
  }
}
