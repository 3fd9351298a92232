package dev.classifier.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * Counts every gRPC call from the transport's view, so nothing escapes: {@code
 * classifier_grpc_received_total{protocol,method}} when the stream opens and {@code
 * classifier_grpc_requests_total{protocol,method,code}} exactly once when it closes, whatever ends
 * it (the handler's status, a malformed or over-size message, client cancel (RST_STREAM), deadline,
 * GOAWAY or a dropped connection). Once every call has ended, received equals the sum over codes.
 * Method names the server does not serve share the label {@code unknown} (bounded cardinality).
 */
public final class CallCounter extends ServerStreamTracer.Factory {
  /** The method label of calls to methods the server does not serve. */
  public static final String UNKNOWN = "unknown";

  private static final int CODES = Status.Code.values().length;

  private final MetricRegistry registry;
  private final Predicate<String> served;
  private final Map<String, Method> methods = new ConcurrentHashMap<>();

  /** By protocol: at most one series per protocol label for methods not served. */
  private final Map<String, Method> unknown = new ConcurrentHashMap<>();

  /**
   * @param served whether a full method name is served (else counted as {@link #UNKNOWN})
   */
  public CallCounter(MetricRegistry registry, Predicate<String> served) {
    this.registry = registry;
    this.served = served;
    // registered up front, so the families exist (at 0) before the first call
    for (String protocol :
        java.util.List.of(
            GrpcMetricsInterceptor.CLASSIFIER, GrpcMetricsInterceptor.KSERVE, "grpc")) {
      unknown.put(protocol, new Method(protocol, UNKNOWN));
    }
  }

  private static final ServerStreamTracer NOT_COUNTED = new ServerStreamTracer() {};

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    if (dev.classifier.server.warmup.WarmupGate.isWarmupCall(headers)) {
      return NOT_COUNTED; // the server's own warm-up is not client traffic
    }
    Method m = methods.get(fullMethodName);
    if (m == null) {
      m =
          served.test(fullMethodName)
              ? methods.computeIfAbsent(
                  fullMethodName,
                  n ->
                      new Method(
                          GrpcMetricsInterceptor.protocol(n),
                          GrpcMetricsInterceptor.shortMethod(n)))
              : unknown.computeIfAbsent(
                  GrpcMetricsInterceptor.protocol(fullMethodName), p -> new Method(p, UNKNOWN));
    }
    m.received.inc();
    Method method = m;
    AtomicBoolean closed = new AtomicBoolean();
    return new ServerStreamTracer() {
      @Override
      public void streamClosed(Status status) {
        if (closed.compareAndSet(false, true)) {
          method.answered(status.getCode()).inc();
        }
      }
    };
  }

  private final class Method {
    final String protocol;
    final String name;
    final Counter received;
    final AtomicReferenceArray<Counter> byCode = new AtomicReferenceArray<>(CODES);

    Method(String protocol, String name) {
      this.protocol = protocol;
      this.name = name;
      this.received = registry.counter(MetricNames.grpcReceived(protocol, name));
    }

    // the ordinal only indexes this process's array of counters; the name is what is exported
    @SuppressWarnings("EnumOrdinal")
    Counter answered(Status.Code code) {
      Counter c = byCode.get(code.ordinal());
      if (c == null) {
        c = registry.counter(MetricNames.grpcRequests(protocol, name, code.name()));
        byCode.set(code.ordinal(), c);
      }
      return c;
    }
  }
}
