/**
 * Warm-up of the whole serving path before readiness: {@link
 * dev.classifier.server.warmup.WarmupDriver} sends synthetic requests through the server's real
 * stack ({@link dev.classifier.server.warmup.Warmer}s over a loopback channel) until latency
 * converges ({@link dev.classifier.server.warmup.LatencyConvergence}, {@link
 * dev.classifier.server.warmup.WarmupProgress}); {@link dev.classifier.server.warmup.WarmupGate}
 * sheds client inference calls until then and marks warm-up calls so metrics leave them out and the
 * inference core submits their inputs as dry runs (batched and copied, the model not run), so that
 * the JIT's thresholds are reached in seconds even for a model that takes milliseconds.
 */
package dev.classifier.server.warmup;
