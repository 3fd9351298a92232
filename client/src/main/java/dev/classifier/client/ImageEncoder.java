package dev.classifier.client;

import dev.classifier.imaging.ImageDecodeException;
import dev.classifier.imaging.ImageDecoder;
import dev.classifier.imaging.ImagePreprocessor;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns image files into the input tensors one model wants, using the preprocessing spec the
 * server publishes for it: the client needs no configuration of its own. Thread-safe.
 */
public final class ImageEncoder {
  /** Largest image (in pixels) the encoder decodes: 100 megapixels. */
  public static final long MAX_PIXELS = 100_000_000L;

  private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);
  private final ImagePreprocessor preprocessor;

  public ImageEncoder(ModelInfo model) {
    if (!model.hasPreprocessing()) {
      throw new IllegalArgumentException(
          "model '" + model.getName() + "' publishes no preprocessing spec; send tensors yourself");
    }
    this.preprocessor = new ImagePreprocessor(Specs.fromProto(model.getPreprocessing()));
  }

  /** Decodes and preprocesses one image file. */
  public ImageInput encode(Path file) throws IOException, ImageDecodeException {
    return ImageInput.newBuilder()
        .setTensor(Specs.toTensor(preprocessor.apply(decoder.decode(file))))
        .build();
  }

  /** Decodes and preprocesses one encoded image (JPEG, PNG). */
  public ImageInput encode(byte[] encoded) throws ImageDecodeException {
    return ImageInput.newBuilder()
        .setTensor(Specs.toTensor(preprocessor.apply(decoder.decode(encoded))))
        .build();
  }
}
