package dev.classifier.server.admin;

/** Too many reloads are already waiting for the reload thread (RESOURCE_EXHAUSTED). */
public final class ReloadQueueFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReloadQueueFullException(int pending) {
    super(pending + " reloads are already pending; retry after they finish");
  }
}
