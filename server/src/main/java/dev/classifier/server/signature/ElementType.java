package dev.classifier.server.signature;

/** Tensor element types the server accepts as model inputs. */
public enum ElementType {
  FLOAT32(4),
  UINT8(1);

  private final int bytes;

  ElementType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }
}
