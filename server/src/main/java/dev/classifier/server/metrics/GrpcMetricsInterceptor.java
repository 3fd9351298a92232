package dev.classifier.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every gRPC call by method and status code ({@code classifier_grpc_requests_total}),
 * times it ({@code classifier_grpc_latency_seconds}), records per-model request counts and
 * end-to-end latency (unary calls and each stream item) and, when enabled, writes one access-log
 * line per call to the {@code classifier.access} logger. Never blocks: counters and a map lookup
 * per message.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  /** The access log's logger name. */
  public static final String ACCESS_LOGGER = "classifier.access";

  private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);

  private final MetricRegistry registry;
  private final Function<String, String> servedModel;
  private final boolean accessLog;
  private final LongSupplier nanoClock;
  private final Map<String, Counter> callCounters = new ConcurrentHashMap<>();
  private final Map<String, Timer> callTimers = new ConcurrentHashMap<>();
  private final Map<String, RequestMetrics> perModel = new ConcurrentHashMap<>();

  /**
   * @param servedModel maps a request's model field to the served model's name, or null when no
   *     such model is served (unknown names get no per-model series, bounding cardinality)
   * @param accessLog whether to log one line per call
   */
  public GrpcMetricsInterceptor(
      MetricRegistry registry, Function<String, String> servedModel, boolean accessLog) {
    this(registry, servedModel, accessLog, System::nanoTime);
  }

  GrpcMetricsInterceptor(
      MetricRegistry registry,
      Function<String, String> servedModel,
      boolean accessLog,
      LongSupplier nanoClock) {
    this.registry = registry;
    this.servedModel = servedModel;
    this.accessLog = accessLog;
    this.nanoClock = nanoClock;
  }

  /** "classifier.v1.Classifier/Classify" becomes "Classifier/Classify". */
  static String shortMethod(String fullMethodName) {
    int slash = fullMethodName.indexOf('/');
    String service = slash < 0 ? fullMethodName : fullMethodName.substring(0, slash);
    int dot = service.lastIndexOf('.');
    return dot < 0 ? fullMethodName : fullMethodName.substring(dot + 1);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    CallRecord record =
        new CallRecord(shortMethod(call.getMethodDescriptor().getFullMethodName()), nanoClock.getAsLong());
    ServerCall<Q, A> observed =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(A message) {
            if (message instanceof ClassifyStreamResponse r) {
              record.itemAnswered(r);
            }
            super.sendMessage(message);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            record.closed(status, call);
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener = next.startCall(observed, headers);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        record.received(message);
        super.onMessage(message);
      }
    };
  }

  private RequestMetrics modelMetrics(String requested) {
    String name = servedModel.apply(requested);
    return name == null ? null : perModel.computeIfAbsent(name, n -> new RequestMetrics(registry, n));
  }

  /** What one call has seen; its methods may run on the transport and on worker threads. */
  private final class CallRecord {
    private final String method;
    private final long startNanos;
    private final Map<String, Long> itemStarts = new ConcurrentHashMap<>();
    private volatile RequestMetrics unaryModel;
    private volatile RequestMetrics streamModel;
    private volatile String modelName = "";
    private volatile int images;
    private volatile boolean closed;

    CallRecord(String method, long startNanos) {
      this.method = method;
      this.startNanos = startNanos;
    }

    void received(Object message) {
      if (message instanceof ClassifyRequest r) {
        modelName = r.getModel();
        images = r.getImagesCount();
        unaryModel = modelMetrics(r.getModel());
        if (unaryModel != null) {
          unaryModel.received();
        }
      } else if (message instanceof ClassifyStreamRequest r) {
        modelName = r.getModel();
        images++;
        RequestMetrics m = modelMetrics(r.getModel());
        streamModel = m;
        if (m != null) {
          m.received();
          if (!closed) {
            itemStarts.putIfAbsent(r.getRequestId(), nanoClock.getAsLong());
          }
        }
      }
    }

    void itemAnswered(ClassifyStreamResponse r) {
      RequestMetrics m = modelMetrics(r.getModel());
      if (m == null) {
        m = streamModel;
      }
      if (m == null) {
        return;
      }
      Long start = itemStarts.remove(r.getRequestId());
      long nanos = start == null ? 0 : nanoClock.getAsLong() - start;
      boolean ok = r.hasResult();
      boolean invalid =
          r.hasError() && r.getError().getCode() == Status.Code.INVALID_ARGUMENT.value();
      m.answered(ok && start != null, invalid, nanos);
    }

    void closed(Status status, ServerCall<?, ?> call) {
      closed = true;
      itemStarts.clear();
      long nanos = nanoClock.getAsLong() - startNanos;
      String code = status.getCode().name();
      callCounters
          .computeIfAbsent(method + " " + code, k -> registry.counter(MetricNames.grpcRequests(method, code)))
          .inc();
      callTimers
          .computeIfAbsent(method, k -> registry.timer(MetricNames.grpcLatency(method)))
          .update(nanos, TimeUnit.NANOSECONDS);
      RequestMetrics m = unaryModel;
      if (m != null) {
        m.answered(status.isOk(), status.getCode() == Status.Code.INVALID_ARGUMENT, nanos);
      }
      if (accessLog && ACCESS.isInfoEnabled()) {
        ACCESS.info(
            "method={} code={} model={} images={} duration_ms={} peer={}",
            method,
            code,
            modelName.isEmpty() ? "-" : modelName,
            images,
            String.format("%.3f", nanos / 1e6),
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
      }
    }
  }
}
