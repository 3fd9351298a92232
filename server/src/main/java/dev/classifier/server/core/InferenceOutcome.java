package dev.classifier.server.core;

import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ServedModel;
import java.util.List;

/**
 * A request's successful result: the model version that ran it, one result per image in request
 * order, and the validated number of predictions to render per image.
 */
public record InferenceOutcome(
    ServedModel model, List<InferenceResult> results, int topK, boolean rawOutput) {}
