package dev.classifier.client;

import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ModelInfo;
import java.util.Locale;

/**
 * The element type the client sends image tensors in. {@link #AUTO} sends UINT8 pixels where the
 * model accepts them (its {@code ModelInfo.input.accepted_dtypes} lists UINT8: the server then
 * applies the model's scale, mean and std itself, with the same float32 arithmetic as this client's
 * encoder, so the results are equal and the request is 4x smaller), else the model's own dtype.
 */
public enum InputDtype {
  /** UINT8 when the model accepts it, else the model's dtype. */
  AUTO,
  /** Normalised FLOAT32, as the model's preprocessing spec says. */
  FLOAT32,
  /** Raw 0..255 pixels (after resize and crop); the model must accept UINT8. */
  UINT8;

  /** Parses {@code auto}, {@code float32} or {@code uint8} (any case). */
  public static InputDtype parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "float32" -> FLOAT32;
      case "uint8" -> UINT8;
      default ->
          throw new IllegalArgumentException(
              "--input-dtype must be auto, float32 or uint8, got '" + value + "'");
    };
  }

  /**
   * The dtype to send to {@code model}.
   *
   * @throws IllegalArgumentException if the model does not accept the requested dtype
   */
  public DataType resolve(ModelInfo model) {
    DataType own = model.getInput().getDtype();
    boolean uint8 =
        own == DataType.UINT8 || model.getInput().getAcceptedDtypesList().contains(DataType.UINT8);
    return switch (this) {
      case AUTO -> uint8 ? DataType.UINT8 : own;
      case UINT8 -> {
        if (!uint8) {
          throw new IllegalArgumentException(
              "model '"
                  + model.getName()
                  + "' does not accept UINT8 tensors (it takes "
                  + own
                  + " and publishes no normalisation the server could apply)");
        }
        yield DataType.UINT8;
      }
      case FLOAT32 -> {
        if (own != DataType.FLOAT32) {
          throw new IllegalArgumentException(
              "model '" + model.getName() + "' takes " + own + " tensors, not FLOAT32");
        }
        yield DataType.FLOAT32;
      }
    };
  }
}
