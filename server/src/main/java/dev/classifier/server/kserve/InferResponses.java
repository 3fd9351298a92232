package dev.classifier.server.kserve;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.classifier.proto.inference.InferTensorContents;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.inference.ModelInferResponse.InferOutputTensor;
import dev.classifier.server.core.InferenceOutcome;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.grpc.Predictions;
import dev.classifier.server.model.ServedModel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Renders results as a {@code ModelInferResponse}: the probability tensor {@code [n, classes]}
 * (FP32), or for an output requested with {@code classification = N} a BYTES tensor {@code [n, N]}
 * of {@code "<score>:<index>:<label>"} strings, highest score first (ties: lower index first;
 * {@code ":<label>"} left out when the model has no labels). A request that sent raw input gets raw
 * outputs (BYTES elements as a 4-byte little-endian length then the bytes, as Triton does).
 */
final class InferResponses {
  private InferResponses() {}

  static ModelInferResponse render(InferPlan plan, InferenceOutcome outcome) {
    ServedModel ran = outcome.model();
    List<InferenceResult> results = outcome.results();
    ModelInferResponse.Builder b =
        ModelInferResponse.newBuilder()
            .setModelName(ran.name())
            .setModelVersion(ran.version())
            .setId(plan.request().requestId());
    for (OutputRequest o : plan.outputs()) {
      InferOutputTensor.Builder t = InferOutputTensor.newBuilder().setName(o.name());
      if (o.classification()) {
        t.setDatatype(Datatypes.BYTES).addShape(results.size()).addShape(o.classes());
        List<ByteString> strings = classifications(results, o.classes(), ran);
        if (plan.raw()) {
          b.addRawOutputContents(lengthPrefixed(strings));
        } else {
          t.setContents(InferTensorContents.newBuilder().addAllBytesContents(strings));
        }
      } else {
        int classes = ran.signature().numClasses();
        t.setDatatype(Datatypes.FP32).addShape(results.size()).addShape(classes);
        if (plan.raw()) {
          b.addRawOutputContents(probabilities(results, classes));
        } else {
          InferTensorContents.Builder c = InferTensorContents.newBuilder();
          for (InferenceResult r : results) {
            for (float p : r.probabilities()) {
              c.addFp32Contents(p);
            }
          }
          t.setContents(c);
        }
      }
      b.addOutputs(t);
    }
    return b.build();
  }

  /** One classification string: score, class index and, when the model has one, the label. */
  static String classification(float score, int index, String label) {
    String s = Float.toString(score) + ":" + index;
    return label.isEmpty() ? s : s + ":" + label;
  }

  private static List<ByteString> classifications(
      List<InferenceResult> results, int n, ServedModel model) {
    ByteString[] out = new ByteString[results.size() * n];
    int i = 0;
    for (InferenceResult r : results) {
      float[] p = r.probabilities();
      for (int index : Predictions.topK(p, n)) {
        out[i++] = ByteString.copyFromUtf8(classification(p[index], index, model.label(index)));
      }
    }
    return List.of(out);
  }

  private static ByteString probabilities(List<InferenceResult> results, int classes) {
    ByteBuffer buf =
        ByteBuffer.allocate(results.size() * classes * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (InferenceResult r : results) {
      for (float p : r.probabilities()) {
        buf.putFloat(p);
      }
    }
    return UnsafeByteOperations.unsafeWrap(buf.array());
  }

  private static ByteString lengthPrefixed(List<ByteString> strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] len = new byte[4];
    for (ByteString s : strings) {
      ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).putInt(0, s.size());
      out.writeBytes(len);
      out.writeBytes(s.toByteArray());
    }
    return UnsafeByteOperations.unsafeWrap(out.toByteArray());
  }
}
