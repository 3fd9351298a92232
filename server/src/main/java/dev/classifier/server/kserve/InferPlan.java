package dev.classifier.server.kserve;

import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.model.ServedModel;
import java.util.List;

/**
 * A {@code ModelInferRequest} validated against its model: what to submit and how to answer.
 *
 * @param model the model resolved for the request
 * @param id the request id, echoed in the response
 * @param images one input per image, in batch order (bytes shared with the request)
 * @param priority internal priority level (0 = highest)
 * @param timeoutNanos the request's {@code timeout} parameter in nanoseconds, or 0 for none
 * @param outputs the outputs to return, in order
 * @param raw whether the request used raw_input_contents (then outputs are raw too)
 */
record InferPlan(
    ServedModel model,
    String id,
    List<InferenceInput> images,
    int priority,
    long timeoutNanos,
    List<OutputRequest> outputs,
    boolean raw) {}
