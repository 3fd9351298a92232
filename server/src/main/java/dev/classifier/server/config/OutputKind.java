package dev.classifier.server.config;

/** What a model's output holds. */
public enum OutputKind {
  /** Unnormalised scores: the server applies softmax. */
  LOGITS,
  /** Already probabilities: passed through. */
  PROBABILITIES,
  /** Not stated: decided at warm-up (outputs in [0,1] that sum to 1 mean probabilities). */
  DETECT
}
