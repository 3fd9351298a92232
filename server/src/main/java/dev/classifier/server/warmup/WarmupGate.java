package dev.classifier.server.warmup;

import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sheds client inference calls while the server warms up, and tells warm-up calls apart.
 *
 * <p>Until {@link #open()}, a client call to one of the gated (inference) methods is answered at
 * once with RESOURCE_EXHAUSTED "server is warming up" and a {@code retry-after-ms} trailer, never
 * queued: a client that ignores readiness gets a fast, retryable answer instead of seconds of
 * interpreted-code latency. Metadata calls (GetModelInfo, ListModels) always pass.
 *
 * <p>Warm-up calls carry the header {@value #HEADER_NAME} with a random per-process token, so a
 * client cannot pass itself off as warm-up; {@link #isWarmupCall(Metadata)} lets the metrics
 * interceptor leave them out of client request metrics, and {@link #inWarmupCall()} tells the
 * inference core, from the gRPC context of a gated call, that its inputs are dry runs ({@code
 * InferenceInput#dryRun}: batched and copied, but the model is not run for a batch made only of
 * them).
 */
public final class WarmupGate implements ServerInterceptor {
  public static final String HEADER_NAME = "classifier-warmup";
  private static final Metadata.Key<String> HEADER =
      Metadata.Key.of(HEADER_NAME, Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);
  private static final String TOKEN = UUID.randomUUID().toString();
  private static final Context.Key<Boolean> WARMUP_CALL = Context.key("classifier-warmup-call");

  /** The classifier.v1 inference methods; other protocols add theirs. */
  public static final Set<String> CLASSIFIER_METHODS =
      Set.of("classifier.v1.Classifier/Classify", "classifier.v1.Classifier/ClassifyStream");

  private final Set<String> gatedMethods = ConcurrentHashMap.newKeySet();
  private final Duration retryAfter;
  private volatile boolean open;

  /**
   * @param gatedMethods full method names shed while warming up
   * @param retryAfter the hint given with each shed call
   */
  public WarmupGate(Set<String> gatedMethods, Duration retryAfter) {
    this.gatedMethods.addAll(gatedMethods);
    this.retryAfter = retryAfter;
  }

  /** Also sheds these methods while warming up (another protocol's inference calls). */
  public void gate(String... fullMethodNames) {
    gatedMethods.addAll(List.of(fullMethodNames));
  }

  /** Warm: client calls pass from now on. */
  public void open() {
    open = true;
  }

  public boolean isOpen() {
    return open;
  }

  /** Whether a call's headers carry this process's warm-up token. */
  public static boolean isWarmupCall(Metadata headers) {
    return TOKEN.equals(headers.get(HEADER));
  }

  /**
   * Whether the gRPC call this thread is serving is a warm-up call passed by a gate (read from the
   * call's {@link Context}; false outside any call and for every client call).
   */
  public static boolean inWarmupCall() {
    return Boolean.TRUE.equals(WARMUP_CALL.get());
  }

  /** Marks the calls of a client channel as warm-up calls. */
  public static ClientInterceptor marker() {
    return new ClientInterceptor() {
      @Override
      public <Q, A> io.grpc.ClientCall<Q, A> interceptCall(
          io.grpc.MethodDescriptor<Q, A> method,
          io.grpc.CallOptions options,
          io.grpc.Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            headers.put(HEADER, TOKEN);
            super.start(listener, headers);
          }
        };
      }
    };
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    if (!open
        && gatedMethods.contains(call.getMethodDescriptor().getFullMethodName())
        && !isWarmupCall(headers)) {
      Metadata trailers = new Metadata();
      trailers.put(RETRY_AFTER_MS, Long.toString(retryAfter.toMillis()));
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "server is warming up; retry after " + retryAfter.toMillis() + " ms"),
          trailers);
      return new ServerCall.Listener<>() {};
    }
    if (isWarmupCall(headers)) {
      return Contexts.interceptCall(
          Context.current().withValue(WARMUP_CALL, Boolean.TRUE), call, headers, next);
    }
    return next.startCall(call, headers);
  }
}
