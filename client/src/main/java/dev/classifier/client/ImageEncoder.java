package dev.classifier.client;

import com.google.protobuf.UnsafeByteOperations;
import dev.classifier.imaging.ImageDecodeException;
import dev.classifier.imaging.ImageDecoder;
import dev.classifier.imaging.ImagePreprocessor;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.proto.convert.PreprocessingSpecs;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns image files into the input tensors one model wants, using the preprocessing spec the server
 * publishes for it: the client needs no configuration of its own. By default ({@link
 * InputDtype#AUTO}) a FLOAT32 model that accepts UINT8 gets raw pixels (resized and cropped, 1 byte
 * per value) and the server normalises them exactly as this encoder would. Thread-safe.
 */
public final class ImageEncoder {
  /** Largest image (in pixels) the encoder decodes: 100 megapixels. */
  public static final long MAX_PIXELS = 100_000_000L;

  private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);
  private final ImagePreprocessor preprocessor;

  /** An encoder sending {@link InputDtype#AUTO}: UINT8 where the model accepts it. */
  public ImageEncoder(ModelInfo model) {
    this(model, InputDtype.AUTO);
  }

  /**
   * @throws IllegalArgumentException if the model publishes no preprocessing spec or does not
   *     accept {@code dtype}
   */
  public ImageEncoder(ModelInfo model, InputDtype dtype) {
    if (!model.hasPreprocessing()) {
      throw new IllegalArgumentException(
          "model '" + model.getName() + "' publishes no preprocessing spec; send tensors yourself");
    }
    PreprocessSpec spec = PreprocessingSpecs.fromProto(model.getPreprocessing());
    PixelType type = dtype.resolve(model) == DataType.UINT8 ? PixelType.UINT8 : PixelType.FLOAT32;
    this.preprocessor =
        new ImagePreprocessor(spec.pixelType() == type ? spec : spec.withPixelType(type));
  }

  /** Decodes and preprocesses one image file. */
  public ImageInput encode(Path file) throws IOException, ImageDecodeException {
    return ImageInput.newBuilder()
        .setTensor(Specs.toTensor(preprocessor.apply(decoder.decode(file))))
        .build();
  }

  /**
   * Preprocesses an already decoded image (e.g. raw gray pixels of an IDX data set wrapped in a
   * {@code TYPE_BYTE_GRAY} image): the same path as a decoded file.
   */
  public ImageInput encode(BufferedImage image) {
    return ImageInput.newBuilder().setTensor(Specs.toTensor(preprocessor.apply(image))).build();
  }

  /** The preprocessing this encoder applies. */
  public PreprocessSpec spec() {
    return preprocessor.spec();
  }

  /** True for a visible {@code .png}, {@code .jpg} or {@code .jpeg} file name (any case). */
  public static boolean isImageFile(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
  }

  /** An input carrying a file's encoded bytes as they are, for the server to decode. */
  public static ImageInput encodedFile(Path file) throws IOException {
    return encodedBytes(Files.readAllBytes(file));
  }

  /** An input carrying encoded bytes (JPEG, PNG) for the server to decode. */
  public static ImageInput encodedBytes(byte[] encoded) {
    return ImageInput.newBuilder().setEncoded(UnsafeByteOperations.unsafeWrap(encoded)).build();
  }

  /** Decodes and preprocesses one encoded image (JPEG, PNG). */
  public ImageInput encode(byte[] encoded) throws ImageDecodeException {
    return ImageInput.newBuilder()
        .setTensor(Specs.toTensor(preprocessor.apply(decoder.decode(encoded))))
        .build();
  }
}
