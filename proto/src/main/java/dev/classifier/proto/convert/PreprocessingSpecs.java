package dev.classifier.proto.convert;

import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.PreprocessingSpec;

/**
 * The one conversion between the wire's {@code classifier.v1.PreprocessingSpec} and the imaging
 * module's {@link PreprocessSpec}, the single model type of a preprocessing spec: the server
 * publishes its models' specs with {@link #toProto}, the client builds its encoder with {@link
 * #fromProto}.
 */
public final class PreprocessingSpecs {
  private PreprocessingSpecs() {}

  /** The wire form of {@code s}; every field set, mean and std as {@code s} holds them. */
  public static PreprocessingSpec toProto(PreprocessSpec s) {
    PreprocessingSpec.Builder b =
        PreprocessingSpec.newBuilder()
            .setWidth(s.width())
            .setHeight(s.height())
            .setColorMode(dev.classifier.proto.v1.ColorMode.valueOf(s.colorMode().name()))
            .setResizeShorterSide(s.resizeShorterSide())
            .setInterpolation(
                dev.classifier.proto.v1.Interpolation.valueOf(s.interpolation().name()))
            .setCenterCrop(s.centerCrop())
            .setScale(s.scale())
            .setLayout(dev.classifier.proto.v1.Layout.valueOf(s.layout().name()))
            .setDtype(DataType.valueOf(s.pixelType().name()));
    for (float v : s.mean()) {
      b.addMean(v);
    }
    for (float v : s.std()) {
      b.addStd(v);
    }
    return b.build();
  }

  /**
   * The imaging spec a published spec describes. Unset fields read as torchvision's defaults: RGB,
   * BILINEAR, scale 1/255, mean 0, std 1, NCHW, FLOAT32.
   *
   * @throws IllegalArgumentException if the values break {@link PreprocessSpec}'s rules
   */
  public static PreprocessSpec fromProto(PreprocessingSpec p) {
    float[] mean = new float[p.getMeanCount()];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = p.getMean(i);
    }
    float[] std = new float[p.getStdCount()];
    for (int i = 0; i < std.length; i++) {
      std[i] = p.getStd(i);
    }
    return new PreprocessSpec(
        p.getWidth(),
        p.getHeight(),
        switch (p.getColorMode()) {
          case BGR -> ColorMode.BGR;
          case GRAY -> ColorMode.GRAY;
          default -> ColorMode.RGB;
        },
        p.getResizeShorterSide(),
        switch (p.getInterpolation()) {
          case NEAREST -> Interpolation.NEAREST;
          case BICUBIC -> Interpolation.BICUBIC;
          default -> Interpolation.BILINEAR;
        },
        p.getCenterCrop(),
        p.getScale() == 0f ? 1f / 255f : p.getScale(),
        mean.length == 0 ? new float[] {0f} : mean,
        std.length == 0 ? new float[] {1f} : std,
        p.getLayout() == dev.classifier.proto.v1.Layout.NHWC ? Layout.NHWC : Layout.NCHW,
        p.getDtype() == DataType.UINT8 ? PixelType.UINT8 : PixelType.FLOAT32);
  }
}
