package dev.classifier.imaging;

/**
 * An encoded image could not be turned into pixels: the bytes are not a recognised format, are
 * corrupt or truncated, or the declared size exceeds the decoder's pixel limit. The message says
 * which; callers map it to {@code INVALID_ARGUMENT}.
 */
public final class ImageDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public ImageDecodeException(String message) {
    super(message);
  }

  public ImageDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
