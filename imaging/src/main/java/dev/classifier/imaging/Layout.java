package dev.classifier.imaging;

/** Memory layout of an {@link ImageTensor} (without the batch dimension). */
public enum Layout {
  /** Channels first: shape {@code [C, H, W]} (PyTorch / ONNX convention). */
  NCHW,
  /** Channels last: shape {@code [H, W, C]}. */
  NHWC
}
