package dev.classifier.server.signature;

/** Dimension order of an image input. */
public enum TensorLayout {
  NCHW,
  NHWC,
  /** Not recognisably an image (e.g. rank 2); tensors are still accepted by shape. */
  OTHER
}
