package dev.classifier.client.cli;

import dev.classifier.client.eval.SendMode;
import java.util.Locale;

/** Parses the {@code --send} option. */
final class SendModes {
  private SendModes() {}

  static SendMode parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "tensor" -> SendMode.TENSOR;
      case "encoded" -> SendMode.ENCODED;
      default ->
          throw new IllegalArgumentException(
              "--send must be 'tensor' or 'encoded', got '" + value + "'");
    };
  }
}
