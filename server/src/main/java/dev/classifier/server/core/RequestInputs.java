package dev.classifier.server.core;

import dev.classifier.server.engine.InferenceInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The images of one request in order: tensors read at once and encoded images still decoding.
 * {@link #whenDecoded} completes with all of them once every decode has finished, fails with the
 * first decode failure (cancelling the other decodes), and cancelling it cancels pending decodes.
 */
final class RequestInputs {
  /** Each entry an {@link InferenceInput} or a {@code CompletableFuture<InferenceInput>}. */
  private final List<Object> parts = new ArrayList<>();

  private final List<CompletableFuture<InferenceInput>> decodes = new ArrayList<>();

  private long maxImageBytes;

  void addTensor(InferenceInput input) {
    parts.add(input);
    maxImageBytes = Math.max(maxImageBytes, input.sizeBytes());
  }

  /**
   * @param imageBytes the bytes the decoded image will hold
   */
  void addDecoding(CompletableFuture<InferenceInput> decoding, long imageBytes) {
    parts.add(decoding);
    decodes.add(decoding);
    maxImageBytes = Math.max(maxImageBytes, imageBytes);
  }

  /**
   * The queue bytes one image of this request counts: the largest image as it is held (a tensor's
   * bytes as sent, so a UINT8 image counts a quarter of its FLOAT32 form; a decoded image's
   * tensor).
   */
  long bytesPerImage() {
    return maxImageBytes;
  }

  boolean needsDecoding() {
    return !decodes.isEmpty();
  }

  /** Cancels every decode not yet finished (a queued decode is then skipped). */
  void cancel() {
    for (CompletableFuture<InferenceInput> d : decodes) {
      d.cancel(false);
    }
  }

  /** All inputs; only when nothing needs decoding. */
  List<InferenceInput> ready() {
    if (needsDecoding()) {
      throw new IllegalStateException("inputs are still decoding");
    }
    return flatten();
  }

  /** All inputs in request order, once decoded. */
  CompletableFuture<List<InferenceInput>> whenDecoded() {
    CompletableFuture<List<InferenceInput>> all = new CompletableFuture<>();
    var unused =
        all.whenComplete(
            (r, t) -> {
              if (t != null) {
                cancel();
              }
            });
    var unused2 =
        CompletableFuture.allOf(decodes.toArray(CompletableFuture[]::new))
            .whenComplete(
                (ignored, t) -> {
                  if (t == null) {
                    all.complete(flatten());
                  }
                });
    for (CompletableFuture<InferenceInput> d : decodes) {
      var unused3 =
          d.whenComplete(
              (r, t) -> {
                if (t != null) {
                  all.completeExceptionally(t);
                }
              });
    }
    return all;
  }

  @SuppressWarnings("unchecked")
  private List<InferenceInput> flatten() {
    List<InferenceInput> out = new ArrayList<>(parts.size());
    for (Object p : parts) {
      out.add(p instanceof InferenceInput in ? in : ((CompletableFuture<InferenceInput>) p).join());
    }
    return out;
  }

  int size() {
    return parts.size();
  }
}
