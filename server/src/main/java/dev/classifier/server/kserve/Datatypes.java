package dev.classifier.server.kserve;

import dev.classifier.proto.inference.DataType;
import dev.classifier.server.signature.ElementType;

/** Open Inference Protocol datatype names and model-config types for the server's element types. */
final class Datatypes {
  /** The probability output's datatype. */
  static final String FP32 = "FP32";

  /** The classification extension's datatype. */
  static final String BYTES = "BYTES";

  private Datatypes() {}

  /** "FP32" or "UINT8". */
  static String name(ElementType type) {
    return switch (type) {
      case FLOAT32 -> FP32;
      case UINT8 -> "UINT8";
    };
  }

  /** TYPE_FP32 or TYPE_UINT8. */
  static DataType configType(ElementType type) {
    return switch (type) {
      case FLOAT32 -> DataType.TYPE_FP32;
      case UINT8 -> DataType.TYPE_UINT8;
    };
  }
}
