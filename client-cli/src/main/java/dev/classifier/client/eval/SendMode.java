package dev.classifier.client.eval;

/** What the client sends for each image. */
public enum SendMode {
  /** A tensor preprocessed on the client with the model's published spec. */
  TENSOR,
  /** The encoded image (JPEG/PNG; raw IDX pixels as PNG); the server decodes and preprocesses. */
  ENCODED
}
