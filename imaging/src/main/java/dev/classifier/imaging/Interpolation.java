package dev.classifier.imaging;

/**
 * Resampling filter, matching PIL's {@code Image.resize} (as used by torchvision on PIL images).
 *
 * <p>{@link #BILINEAR} and {@link #BICUBIC} are PIL's antialiased two-pass convolutions (the filter
 * support grows with the downscale factor); {@link #NEAREST} is PIL's affine nearest-neighbour
 * scale.
 */
public enum Interpolation {
  NEAREST,
  BILINEAR,
  BICUBIC
}
