package dev.classifier.imaging;

/** Element type of an {@link ImageTensor}; both are stored little-endian. */
public enum PixelType {
  /** 32-bit float, {@code (pixel * scale - mean) / std}. */
  FLOAT32(4),
  /** Raw 8-bit pixels after resize and crop (scale, mean and std are not applied). */
  UINT8(1);

  private final int bytes;

  PixelType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytesPerElement() {
    return bytes;
  }
}
