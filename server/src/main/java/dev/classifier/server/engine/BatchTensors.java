package dev.classifier.server.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * An instance's preallocated input and output memory: one direct input buffer and one direct output
 * buffer sized for its largest batch, and, per batch size n, an input and an output {@link
 * OnnxTensor} wrapping the first n images of each (created on first use, then reused; ONNX Runtime
 * wraps direct native-order buffers without copying). A run binds them as input and pinned output,
 * so in the steady state no batch allocates input or output memory. Not thread-safe: one per
 * instance; {@link #close} releases the tensors.
 */
final class BatchTensors implements AutoCloseable {
  private final OrtEnvironment env;
  private final ModelSignature signature;
  private final ByteBuffer input;
  private final FloatBuffer output;
  private final OnnxTensor[] inputs;
  private final OnnxTensor[] outputs;

  BatchTensors(OrtEnvironment env, ModelSignature signature, int maxBatch) {
    this.env = env;
    this.signature = signature;
    long inBytes = (long) maxBatch * signature.imageBytes();
    long outBytes = (long) maxBatch * signature.numClasses() * Float.BYTES;
    if (inBytes > Integer.MAX_VALUE || outBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a batch of "
              + maxBatch
              + " would need "
              + Math.max(inBytes, outBytes)
              + "-byte buffers");
    }
    // Native order: ONNX Runtime wraps direct buffers without copying only in native order.
    this.input = ByteBuffer.allocateDirect((int) inBytes).order(ByteOrder.nativeOrder());
    this.output =
        ByteBuffer.allocateDirect((int) outBytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.inputs = new OnnxTensor[maxBatch + 1];
    this.outputs = new OnnxTensor[maxBatch + 1];
  }

  /** The whole input buffer (for copies at absolute offsets). */
  ByteBuffer inputBuffer() {
    return input;
  }

  /** The whole output buffer: image r's scores start at {@code r * numClasses}. */
  FloatBuffer outputBuffer() {
    return output;
  }

  /** The input tensor over the first {@code n} images. */
  OnnxTensor input(int n) throws OrtException {
    OnnxTensor t = inputs[n];
    if (t == null) {
      ByteBuffer slice =
          input
              .duplicate()
              .limit((int) (n * signature.imageBytes()))
              .slice()
              .order(ByteOrder.nativeOrder());
      long[] shape = signature.batchShape(n);
      t =
          signature.inputType() == ElementType.FLOAT32
              ? OnnxTensor.createTensor(env, slice.asFloatBuffer(), shape)
              : OnnxTensor.createTensor(env, slice, shape, OnnxJavaType.UINT8);
      inputs[n] = t;
    }
    return t;
  }

  /** The output tensor over the first {@code n} images ([n, class dims...]). */
  OnnxTensor output(int n) throws OrtException {
    OnnxTensor t = outputs[n];
    if (t == null) {
      long[] shape = signature.outputShape();
      shape[0] = n;
      FloatBuffer slice = output.duplicate().limit(n * signature.numClasses()).slice();
      t = OnnxTensor.createTensor(env, slice, shape);
      outputs[n] = t;
    }
    return t;
  }

  /** Number of tensors created so far (each batch size used costs two, once). */
  int tensorsCreated() {
    int count = 0;
    for (int i = 0; i < inputs.length; i++) {
      count += (inputs[i] != null ? 1 : 0) + (outputs[i] != null ? 1 : 0);
    }
    return count;
  }

  @Override
  public void close() {
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] != null) {
        inputs[i].close();
        inputs[i] = null;
      }
      if (outputs[i] != null) {
        outputs[i].close();
        outputs[i] = null;
      }
    }
  }
}
