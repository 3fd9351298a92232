package dev.classifier.client.eval;

import dev.classifier.client.InputDtype;
import java.util.Objects;

/**
 * How to run an evaluation.
 *
 * @param model model name ("" = the server's default)
 * @param send client-side tensors or encoded images
 * @param stream one ClassifyStream (true) or batched unary Classify requests (false)
 * @param batchSize images per unary request, >= 1
 * @param requestsInFlight unary requests outstanding at once, >= 1
 * @param window stream window (images in flight), >= 1
 * @param inputDtype the tensor dtype sent ({@link InputDtype#AUTO}: UINT8 where the model takes it)
 */
public record EvaluationOptions(
    String model,
    SendMode send,
    boolean stream,
    int batchSize,
    int requestsInFlight,
    int window,
    InputDtype inputDtype) {

  public EvaluationOptions {
    model = model == null ? "" : model;
    Objects.requireNonNull(send, "send");
    Objects.requireNonNull(inputDtype, "inputDtype");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (requestsInFlight < 1) {
      throw new IllegalArgumentException("requestsInFlight must be >= 1, got " + requestsInFlight);
    }
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
  }

  /**
   * Unary, client-side tensors (UINT8 where the model accepts it), batches of 32, 4 requests in
   * flight, window 64.
   */
  public static EvaluationOptions defaults() {
    return new EvaluationOptions("", SendMode.TENSOR, false, 32, 4, 64, InputDtype.AUTO);
  }

  public EvaluationOptions withInputDtype(InputDtype d) {
    return new EvaluationOptions(model, send, stream, batchSize, requestsInFlight, window, d);
  }

  public EvaluationOptions withModel(String m) {
    return new EvaluationOptions(m, send, stream, batchSize, requestsInFlight, window, inputDtype);
  }

  public EvaluationOptions withSend(SendMode s) {
    return new EvaluationOptions(model, s, stream, batchSize, requestsInFlight, window, inputDtype);
  }

  public EvaluationOptions withStream(boolean s) {
    return new EvaluationOptions(model, send, s, batchSize, requestsInFlight, window, inputDtype);
  }

  public EvaluationOptions withBatchSize(int b) {
    return new EvaluationOptions(model, send, stream, b, requestsInFlight, window, inputDtype);
  }

  public EvaluationOptions withWindow(int w) {
    return new EvaluationOptions(model, send, stream, batchSize, requestsInFlight, w, inputDtype);
  }
}
