package dev.classifier.server.core;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One classification request, independent of the protocol it arrived on (gRPC unary call, gRPC
 * stream item, HTTP): what a translator builds from its wire message and hands to {@link
 * InferenceCore#submit}.
 *
 * @param model the model name as the client spelled it ("" = the default model)
 * @param field the request field holding the images, for error messages ({@code images}); with
 *     {@code single} set, exactly one image is expected and its field is named without an index
 * @param single whether the request carries exactly one image (a stream item)
 * @param images the images in request order
 * @param topK predictions per image; empty = the default ({@link RequestReader#DEFAULT_TOP_K})
 * @param rawOutput every class probability, in class order, instead of a top-k ranking
 * @param priority priority level (0 highest)
 * @param deadlineNanos absolute deadline in the core's ticker time, or {@link #NO_DEADLINE}
 * @param requestId the client's id for this request ("" if none)
 */
public record InferenceRequest(
    String model,
    String field,
    boolean single,
    List<ImageSource> images,
    OptionalInt topK,
    boolean rawOutput,
    int priority,
    long deadlineNanos,
    String requestId) {
  /** No deadline from the client: the server's default timeout applies. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  public InferenceRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(topK, "topK");
    Objects.requireNonNull(requestId, "requestId");
  }
}
