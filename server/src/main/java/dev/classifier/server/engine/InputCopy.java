package dev.classifier.server.engine;

import dev.classifier.server.signature.ElementType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Copies one image into an instance's batch buffer in one pass, through chunk-sized scratch arrays
 * owned by the instance (no allocation per image or batch):
 *
 * <ul>
 *   <li>same dtype, no check: one bulk copy;
 *   <li>FLOAT32 with the non-finite check: each chunk is read in bulk, its values checked (exponent
 *       bits all ones = NaN or infinity) and written in bulk;
 *   <li>UINT8 into a FLOAT32 model ({@link PixelWidening}): each chunk of pixels is read in bulk,
 *       looked up in its channel's normalisation table and written in bulk as floats. Table values
 *       are finite, so there is nothing to check.
 * </ul>
 *
 * <p>Request bytes are little-endian and the batch buffer is in native order, as ONNX Runtime wraps
 * it; on a big-endian host the FLOAT32 paths would need a byte swap. Not thread-safe: one per
 * instance.
 */
final class InputCopy {
  static final int CHUNK = 4096;
  private static final int EXPONENT_MASK = 0x7f800000;
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final ElementType modelType;
  private final boolean checkFinite;
  private final PixelWidening widening;
  private final float[][] tables;
  private final ByteBuffer buffer;
  private final FloatBuffer floats;
  private final byte[] bytes = new byte[CHUNK * Float.BYTES];
  private final float[] values = new float[CHUNK];

  /**
   * @param buffer the batch buffer (direct, native order)
   * @param widening how UINT8 input becomes FLOAT32, or null when the model does not take it
   */
  InputCopy(ElementType modelType, boolean checkFinite, PixelWidening widening, ByteBuffer buffer) {
    this.modelType = modelType;
    this.checkFinite = checkFinite && modelType == ElementType.FLOAT32;
    this.widening = widening;
    this.buffer = buffer;
    this.floats = buffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
    if (widening != null) {
      tables = new float[widening.channels()][];
      for (int c = 0; c < tables.length; c++) {
        tables[c] = widening.normalization().table(c);
      }
    } else {
      tables = null;
    }
  }

  /**
   * Writes {@code input} at byte {@code at} of the buffer (absolute: positions are untouched) and
   * returns how many of its values are non-finite (0 = accepted), or -1 without copying when the
   * model does not take the input's dtype (the protocol boundary checks this first).
   */
  int copy(InferenceInput input, int at) {
    ByteBuffer src = input.data();
    if (input.dtype() == modelType) {
      if (!checkFinite) {
        buffer.put(at, src, src.position(), src.remaining());
        return 0;
      }
      return copyChecked(src, at);
    }
    if (input.dtype() == ElementType.UINT8 && widening != null) {
      widen(src, at >> 2);
      return 0;
    }
    return -1;
  }

  private int copyChecked(ByteBuffer src, int at) {
    int from = src.position();
    int left = src.remaining();
    int nonFinite = 0;
    while (left > 0) {
      int len = Math.min(left, bytes.length);
      src.get(from, bytes, 0, len);
      for (int k = 0; k + 3 < len; k += 4) {
        int bits = (int) INT_LE.get(bytes, k);
        nonFinite += (bits & EXPONENT_MASK) == EXPONENT_MASK ? 1 : 0;
      }
      buffer.put(at, bytes, 0, len);
      from += len;
      at += len;
      left -= len;
    }
    return nonFinite;
  }

  /** Widens uint8 pixels to normalised floats, writing from float index {@code at}. */
  private void widen(ByteBuffer src, int at) {
    int from = src.position();
    int count = src.remaining();
    int channels = tables.length;
    int plane = widening.plane();
    boolean planar = widening.planar();
    for (int done = 0; done < count; ) {
      int len = Math.min(count - done, CHUNK);
      if (planar) {
        len = Math.min(len, plane - done % plane); // a chunk stays within one channel's plane
      }
      src.get(from + done, bytes, 0, len);
      if (planar) {
        float[] t = tables[done / plane];
        for (int k = 0; k < len; k++) {
          values[k] = t[bytes[k] & 0xFF];
        }
      } else {
        int c = done % channels;
        for (int k = 0; k < len; k++) {
          values[k] = tables[c][bytes[k] & 0xFF];
          if (++c == channels) {
            c = 0;
          }
        }
      }
      floats.put(at + done, values, 0, len);
      done += len;
    }
  }
}
