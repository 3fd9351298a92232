package dev.classifier.server.grpc;

import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.model.Preprocessing;

/** Maps a model's declared {@link Preprocessing} to the imaging module's {@link PreprocessSpec}. */
final class PreprocessSpecs {
  private PreprocessSpecs() {}

  /** The same transform the client applies to the published spec (see client Specs.fromProto). */
  static PreprocessSpec of(Preprocessing p) {
    return new PreprocessSpec(
        p.width(),
        p.height(),
        ColorMode.valueOf(p.colorMode()),
        p.resizeShorterSide(),
        Interpolation.valueOf(p.interpolation()),
        p.centerCrop(),
        p.scale(),
        p.mean(),
        p.std(),
        Layout.valueOf(p.layout()),
        PixelType.valueOf(p.dtype()));
  }
}
