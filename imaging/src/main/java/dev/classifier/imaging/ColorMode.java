package dev.classifier.imaging;

/** Channel content of a preprocessed image, following PIL's {@code convert} modes. */
public enum ColorMode {
  /** PIL {@code convert("RGB")}: three channels in R, G, B order. */
  RGB,
  /** PIL {@code convert("RGB")} with the channels then swapped to B, G, R order. */
  BGR,
  /**
   * PIL {@code convert("L")}: one channel, {@code L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16}.
   */
  GRAY;

  /** Number of channels this mode produces. */
  public int channels() {
    return this == GRAY ? 1 : 3;
  }
}
