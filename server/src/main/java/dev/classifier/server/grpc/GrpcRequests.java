package dev.classifier.server.grpc;

import dev.classifier.batching.Ticker;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.core.ImageSource;
import dev.classifier.server.core.InferenceRequest;
import dev.classifier.server.core.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Translates classifier.v1 messages into protocol-neutral {@link InferenceRequest}s. */
final class GrpcRequests {
  private GrpcRequests() {}

  static InferenceRequest unary(ClassifyRequest r, long deadlineNanos) {
    List<ImageSource> images = new ArrayList<>(r.getImagesCount());
    for (int i = 0; i < r.getImagesCount(); i++) {
      images.add(source(r.getImages(i)));
    }
    return new InferenceRequest(
        r.getModel(),
        "images",
        false,
        images,
        r.hasTopK() ? OptionalInt.of(r.getTopK()) : OptionalInt.empty(),
        false,
        r.getPriority(),
        deadlineNanos,
        "");
  }

  /**
   * @param callDeadlineNanos the stream's deadline in {@code ticker} time (or NO_DEADLINE); the
   *     item's {@code timeout_micros}, when set, can only bring it earlier
   */
  static InferenceRequest item(ClassifyStreamRequest r, long callDeadlineNanos, Ticker ticker) {
    long deadlineNanos = callDeadlineNanos;
    if (r.hasTimeoutMicros()) {
      long micros = r.getTimeoutMicros();
      if (micros <= 0) {
        throw new InvalidRequestException("timeout_micros must be > 0 when set, got " + micros);
      }
      long now = ticker.nanoTime();
      long nanos = micros > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : micros * 1000;
      long own = now > Long.MAX_VALUE - nanos ? InferenceRequest.NO_DEADLINE : now + nanos;
      deadlineNanos = Math.min(deadlineNanos, own);
    }
    return new InferenceRequest(
        r.getModel(),
        "image",
        true,
        r.hasImage() ? List.of(source(r.getImage())) : List.of(),
        r.hasTopK() ? OptionalInt.of(r.getTopK()) : OptionalInt.empty(),
        false,
        r.getPriority(),
        deadlineNanos,
        r.getRequestId());
  }

  static ImageSource source(ImageInput image) {
    return switch (image.getSourceCase()) {
      case TENSOR -> tensor(image.getTensor());
      case ENCODED -> new ImageSource.Encoded(image.getEncoded());
      case SOURCE_NOT_SET -> new ImageSource.Missing();
    };
  }

  private static ImageSource.Tensor tensor(Tensor t) {
    long[] shape = new long[t.getShapeCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.getShape(i);
    }
    String dtype = t.getDtype().name(); // protobuf enum getters never return null
    if (t.getDtype() == dev.classifier.proto.v1.DataType.UNRECOGNIZED) {
      dtype = Integer.toString(t.getDtypeValue());
    }
    return new ImageSource.Tensor(dtype, shape, t.getData());
  }
}
