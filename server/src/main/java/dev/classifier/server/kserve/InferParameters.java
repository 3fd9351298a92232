package dev.classifier.server.kserve;

import dev.classifier.proto.inference.InferParameter;
import dev.classifier.server.core.InvalidRequestException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The request and output parameters the server honours: {@code priority}, {@code timeout} and
 * {@code classification}. Integer parameters are accepted as int64 or uint64 values (Triton's
 * clients send either); any other parameter is ignored.
 */
final class InferParameters {
  static final String PRIORITY = "priority";
  static final String TIMEOUT = "timeout";
  static final String CLASSIFICATION = "classification";

  private InferParameters() {}

  /**
   * The internal priority level: protocol level 0 (or absent) is the model's default, level 1 the
   * highest, up to the model's number of levels; as in Triton, a level beyond the model's levels
   * falls back to the default. Internal levels count from 0 = highest, the classifier.v1 default.
   */
  static int priority(Map<String, InferParameter> parameters, int levels) {
    long p = integer(parameters, PRIORITY, 0);
    if (p < 0) {
      throw new InvalidRequestException("parameter priority must be >= 0, got " + p);
    }
    return p == 0 || p > levels ? 0 : (int) (p - 1);
  }

  /** The {@code timeout} parameter (microseconds) in nanoseconds; 0 when absent or 0. */
  static long timeoutNanos(Map<String, InferParameter> parameters) {
    long micros = integer(parameters, TIMEOUT, 0);
    if (micros < 0) {
      throw new InvalidRequestException(
          "parameter timeout must be >= 0 microseconds, got " + micros);
    }
    return micros > TimeUnit.NANOSECONDS.toMicros(Long.MAX_VALUE)
        ? Long.MAX_VALUE
        : TimeUnit.MICROSECONDS.toNanos(micros);
  }

  /**
   * The {@code classification} parameter of a requested output: 0 when absent (the tensor itself),
   * else the number of classes to return, capped at the model's class count.
   */
  static int classification(Map<String, InferParameter> parameters, String output, int classes) {
    long n = integer(parameters, CLASSIFICATION, 0);
    if (n < 0) {
      throw new InvalidRequestException(
          "output " + output + ": parameter classification must be >= 0, got " + n);
    }
    return (int) Math.min(n, classes);
  }

  private static long integer(Map<String, InferParameter> parameters, String name, long absent) {
    InferParameter p = parameters.get(name);
    if (p == null) {
      return absent;
    }
    return switch (p.getParameterChoiceCase()) {
      case INT64_PARAM -> p.getInt64Param();
      case UINT64_PARAM -> {
        long v = p.getUint64Param();
        if (v < 0) { // above 2^63 - 1 as unsigned
          throw new InvalidRequestException(
              "parameter " + name + " is too large: " + Long.toUnsignedString(v));
        }
        yield v;
      }
      case PARAMETERCHOICE_NOT_SET -> absent;
      default ->
          throw new InvalidRequestException(
              "parameter " + name + " must be an int64 value, got " + p.getParameterChoiceCase());
    };
  }
}
