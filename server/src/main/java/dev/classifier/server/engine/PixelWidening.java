package dev.classifier.server.engine;

import dev.classifier.imaging.Layout;
import dev.classifier.imaging.Normalization;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import dev.classifier.server.signature.TensorLayout;
import java.util.Optional;

/**
 * How a FLOAT32 model takes raw uint8 pixels: the model's own preprocessing spec says what {@code
 * scale}, {@code mean} and {@code std} turn a pixel into, and {@link Normalization} holds those
 * values as per-channel tables, the very tables the client encoder uses, so a widened uint8 image
 * equals the float32 image the encoder would have sent, bit for bit.
 *
 * <p>Offered only where that is unambiguous: a FLOAT32 image input (NCHW or NHWC) whose spec asks
 * for FLOAT32 output of the same layout, channel count and size, with every table value finite.
 *
 * @param normalization the per-channel tables
 * @param planar true for NCHW (one channel per plane), false for NHWC (channels interleaved)
 * @param channels number of channels
 * @param plane pixels per channel (height x width)
 */
public record PixelWidening(Normalization normalization, boolean planar, int channels, int plane) {

  /** The widening for this model and spec, or empty when uint8 input is not offered. */
  public static Optional<PixelWidening> forModel(ModelSignature s, PreprocessSpec spec) {
    if (spec == null
        || s.inputType() != ElementType.FLOAT32
        || spec.pixelType() != PixelType.FLOAT32
        || s.layout() == TensorLayout.OTHER
        || s.imageRank() != 3) {
      return Optional.empty();
    }
    boolean planar = s.layout() == TensorLayout.NCHW;
    if (spec.layout() != (planar ? Layout.NCHW : Layout.NHWC)) {
      return Optional.empty();
    }
    long c = planar ? s.imageDim(0) : s.imageDim(2);
    long h = planar ? s.imageDim(1) : s.imageDim(0);
    long w = planar ? s.imageDim(2) : s.imageDim(1);
    if (c != spec.channels() || h != spec.height() || w != spec.width()) {
      return Optional.empty();
    }
    Normalization n = Normalization.of(spec);
    if (!n.allFinite()) {
      return Optional.empty();
    }
    return Optional.of(new PixelWidening(n, planar, (int) c, (int) (h * w)));
  }
}
