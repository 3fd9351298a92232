package dev.classifier.server.core;

import com.google.protobuf.ByteString;

/**
 * One image of an {@link InferenceRequest}, as the client sent it: a tensor view (not yet validated
 * against the model) or encoded bytes (PNG, JPEG, ...) for the server to decode.
 */
public sealed interface ImageSource {
  /**
   * A tensor holding one image ({@code shape} = the model's image shape) or n images ({@code [n,
   * image shape]}); {@code data} is shared, never copied.
   *
   * @param dtype the element type's name as {@link dev.classifier.server.signature.ElementType}
   *     spells it ({@code FLOAT32}, {@code UINT8}); any other name is rejected with a message
   *     naming it ({@code DATA_TYPE_UNSPECIFIED} reads as "not set")
   */
  record Tensor(String dtype, long[] shape, ByteString data) implements ImageSource {}

  /** Encoded image bytes, decoded and preprocessed by the model's spec on the decode stage. */
  record Encoded(ByteString bytes) implements ImageSource {}

  /** The client set neither a tensor nor encoded bytes. */
  record Missing() implements ImageSource {}
}
