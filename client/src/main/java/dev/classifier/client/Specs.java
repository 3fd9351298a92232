package dev.classifier.client;

import com.google.protobuf.UnsafeByteOperations;
import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.ImageTensor;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.PreprocessingSpec;
import dev.classifier.proto.v1.Tensor;

/** Conversions between the wire types and the imaging module's types. */
public final class Specs {
  private Specs() {}

  /** The imaging spec for a model's published preprocessing spec. */
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

  /** A wire tensor for one preprocessed image, with a leading batch dimension of 1. */
  public static Tensor toTensor(ImageTensor image) {
    long[] shape = image.shape();
    Tensor.Builder b =
        Tensor.newBuilder()
            .setDtype(image.pixelType() == PixelType.UINT8 ? DataType.UINT8 : DataType.FLOAT32)
            .addShape(1);
    for (long d : shape) {
      b.addShape(d);
    }
    return b.setData(UnsafeByteOperations.unsafeWrap(image.data())).build();
  }
}
