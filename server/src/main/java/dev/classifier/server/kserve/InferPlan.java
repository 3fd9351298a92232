package dev.classifier.server.kserve;

import dev.classifier.server.core.InferenceRequest;
import java.util.List;

/**
 * A {@code ModelInferRequest} translated for the shared core: the protocol-neutral request (model,
 * images, priority, deadline, id; every class probability in class order) and how to render its
 * answer.
 *
 * @param request what {@link dev.classifier.server.core.InferenceCore#submit} admits
 * @param outputs the outputs to return, in order
 * @param raw whether the request used raw_input_contents (then outputs are raw too)
 */
record InferPlan(InferenceRequest request, List<OutputRequest> outputs, boolean raw) {}
