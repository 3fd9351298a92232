/**
 * Health reporting for probes and load balancers: {@link
 * dev.classifier.server.health.ServingHealth} names the gRPC health services (liveness, readiness,
 * per model) and moves them through start, warm-up and shutdown.
 */
package dev.classifier.server.health;
