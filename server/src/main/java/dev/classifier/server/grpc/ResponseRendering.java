package dev.classifier.server.grpc;

import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.core.InferenceOutcome;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ServedModel;

/**
 * Renders core outcomes as classifier.v1 responses. Not final: tests override it to inject faults
 * into the rendering path.
 */
class ResponseRendering {
  ClassifyResponse unary(InferenceOutcome outcome) {
    ServedModel ran = outcome.model();
    ClassifyResponse.Builder b =
        ClassifyResponse.newBuilder().setModel(ran.name()).setModelVersion(ran.version());
    for (InferenceResult r : outcome.results()) {
      b.addResults(Predictions.classification(r, outcome.topK(), ran));
    }
    return b.build();
  }

  ClassifyStreamResponse item(String requestId, InferenceOutcome outcome) {
    ServedModel ran = outcome.model();
    return ClassifyStreamResponse.newBuilder()
        .setRequestId(requestId)
        .setModel(ran.name())
        .setModelVersion(ran.version())
        .setResult(Predictions.classification(outcome.results().get(0), outcome.topK(), ran))
        .build();
  }
}
