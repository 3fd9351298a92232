package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.grpc.LenientRequests;
import dev.classifier.server.warmup.WarmupGate;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
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
 * Times every gRPC call answered by its handler ({@code classifier_grpc_latency_seconds}, by
 * protocol and method), records per-model request counts and end-to-end latency (unary calls and
 * each stream item, of classifier.v1 and of the Open Inference Protocol alike) and, when enabled,
 * writes one access-log line per call to the {@code classifier.access} logger. Calls are counted by
 * status code in {@link CallCounter}, which also sees calls the transport ends. Never blocks, and
 * names and registers metrics once per method, status code and model: a call costs map hits and
 * counter updates.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  /** The access log's logger name. */
  public static final String ACCESS_LOGGER = "classifier.access";

  private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);

  private final MetricRegistry registry;
  private final Function<String, String> servedModel;
  private final boolean accessLog;
  private final LongSupplier nanoClock;

  /** By full method name; each holds its method's timer and per-code counters. */
  private final Map<String, MethodMetrics> perMethod = new ConcurrentHashMap<>();

  /**
   * By the model name as requests spell it ("" included) when that resolves to a served model.
   * Dropwizard returns the same metric for the same name, so "" and the default model's name share
   * their series.
   */
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

  /** The {@code protocol} label of the Open Inference Protocol ({@code inference.*}). */
  public static final String KSERVE = "kserve";

  /** The {@code protocol} label of classifier.v1 and its Admin service. */
  public static final String CLASSIFIER = "classifier";

  /** The protocol a method belongs to: {@value #KSERVE}, {@value #CLASSIFIER} or "grpc". */
  static String protocol(String fullMethodName) {
    if (fullMethodName.startsWith("inference.")) {
      return KSERVE;
    }
    return fullMethodName.startsWith("classifier.") ? CLASSIFIER : "grpc";
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
    if (WarmupGate.isWarmupCall(headers)) {
      return next.startCall(call, headers); // the server's own warm-up is not client traffic
    }
    CallRecord record =
        new CallRecord(
            methodMetrics(call.getMethodDescriptor().getFullMethodName()),
            call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY,
            nanoClock.getAsLong());
    ServerCall<Q, A> observed =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(A message) {
            if (message instanceof ClassifyStreamResponse r) {
              record.itemAnswered(
                  r.getRequestId(),
                  r.hasResult(),
                  r.hasError() && r.getError().getCode() == Status.Code.INVALID_ARGUMENT.value());
            } else if (message instanceof ModelStreamInferResponse r) {
              record.itemAnswered(
                  r.getInferResponse().getId(),
                  r.getErrorMessage().isEmpty(),
                  r.getErrorMessage().startsWith(Status.Code.INVALID_ARGUMENT.name()));
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

  private MethodMetrics methodMetrics(String fullMethodName) {
    MethodMetrics m = perMethod.get(fullMethodName);
    return m != null ? m : perMethod.computeIfAbsent(fullMethodName, MethodMetrics::new);
  }

  /** A map hit per message once a name has been seen; unknown names get no series. */
  private RequestMetrics modelMetrics(String requested) {
    RequestMetrics m = perModel.get(requested);
    if (m != null) {
      return m;
    }
    String name = servedModel.apply(requested);
    return name == null
        ? null
        : perModel.computeIfAbsent(requested, r -> new RequestMetrics(registry, name));
  }

  /** One method's latency timer (calls are counted by {@link CallCounter}). */
  private final class MethodMetrics {
    private final String name;
    private final String protocol;
    private final Timer latency;

    MethodMetrics(String fullMethodName) {
      this.name = shortMethod(fullMethodName);
      this.protocol = protocol(fullMethodName);
      this.latency = registry.timer(MetricNames.grpcLatency(protocol, name));
    }
  }

  /** A stream item in flight: when it arrived and the model it asked for. */
  private record Item(long startNanos, RequestMetrics model) {}

  /** What one call has seen; its methods may run on the transport and on worker threads. */
  private final class CallRecord {
    private final MethodMetrics method;
    private final boolean unary;
    private final long startNanos;
    private final Map<String, Item> items = new ConcurrentHashMap<>();
    private volatile RequestMetrics unaryModel;
    private volatile RequestMetrics streamModel;
    private volatile String modelName = "";
    private volatile int images;
    private volatile boolean closed;

    CallRecord(MethodMetrics method, boolean unary, long startNanos) {
      this.method = method;
      this.unary = unary;
      this.startNanos = startNanos;
    }

    void received(Object message) {
      if (LenientRequests.isMalformed(message)) {
        return; // no model to attribute it to; the call's status counts it
      }
      if (message instanceof ClassifyRequest r) {
        unaryReceived(r.getModel(), r.getImagesCount());
      } else if (message instanceof ClassifyStreamRequest r) {
        itemReceived(r.getModel(), r.getRequestId());
      } else if (message instanceof ModelInferRequest r) {
        if (unary) {
          unaryReceived(r.getModelName(), images(r));
        } else {
          itemReceived(r.getModelName(), r.getId());
        }
      }
    }

    /** The batch dimension of a ModelInferRequest's first input (0 if it has none). */
    private static int images(ModelInferRequest r) {
      if (r.getInputsCount() == 0 || r.getInputs(0).getShapeCount() == 0) {
        return 0;
      }
      return (int) Math.max(0, Math.min(Integer.MAX_VALUE, r.getInputs(0).getShape(0)));
    }

    private void unaryReceived(String model, int imageCount) {
      modelName = model;
      images = imageCount;
      unaryModel = modelMetrics(model);
      if (unaryModel != null) {
        unaryModel.received();
      }
    }

    // gRPC calls one call's listener methods one at a time: the increment does not race, the field
    // is volatile for the threads that read it when the call ends
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private void itemReceived(String model, String id) {
      modelName = model;
      images++;
      RequestMetrics m = modelMetrics(model);
      streamModel = m;
      if (m != null) {
        m.received();
        if (!closed) {
          items.putIfAbsent(id, new Item(nanoClock.getAsLong(), m));
        }
      }
    }

    /**
     * Attributes the answer to the model its item asked for (error answers name no model), or, for
     * an id not tracked (a duplicate), to the stream's latest model without a latency.
     */
    void itemAnswered(String id, boolean ok, boolean invalid) {
      Item item = items.remove(id);
      RequestMetrics m = item != null ? item.model() : streamModel;
      if (m == null) {
        return;
      }
      long nanos = item == null ? 0 : nanoClock.getAsLong() - item.startNanos();
      m.answered(ok && item != null, invalid, nanos);
    }

    void closed(Status status, ServerCall<?, ?> call) {
      closed = true;
      items.clear();
      long nanos = nanoClock.getAsLong() - startNanos;
      method.latency.update(nanos, TimeUnit.NANOSECONDS);
      RequestMetrics m = unaryModel;
      if (m != null) {
        m.answered(status.isOk(), status.getCode() == Status.Code.INVALID_ARGUMENT, nanos);
      }
      if (accessLog && ACCESS.isInfoEnabled()) {
        ACCESS.info(
            "method={} code={} model={} images={} duration_ms={} peer={}",
            method.name,
            status.getCode(),
            modelName.isEmpty() ? "-" : modelName,
            images,
            String.format("%.3f", nanos / 1e6),
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
      }
    }
  }
}
