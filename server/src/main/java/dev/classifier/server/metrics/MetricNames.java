package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import dev.classifier.batching.Instance;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import java.util.List;
import java.util.Map;

/**
 * The one place that names metrics. Dropwizard names are dotted paths with the labels as path
 * segments ({@code classifier.model.<model>.rejected.<reason>}); {@link #prometheusMappings()}
 * turns each family into a Prometheus name with labels ({@code
 * classifier_rejected_total{model,reason}}). Label values must not contain dots, so {@link
 * #segment(String)} replaces them with underscores.
 */
public final class MetricNames {
  static final String MODEL = "classifier.model";
  static final String INSTANCE = "classifier.instance";
  static final String GRPC_REQUESTS = "classifier.grpc_requests";
  static final String GRPC_LATENCY = "classifier.grpc_latency";
  static final String GRPC_RECEIVED = "classifier.grpc_received";
  static final String STREAMS = "classifier.streams";
  static final String DECODE = "classifier.decode";
  static final String HEALTH = "classifier.health";
  static final String JVM = "classifier.jvm";

  private MetricNames() {}

  /** A label value usable as one path segment: dots become underscores, empty becomes "_". */
  public static String segment(String value) {
    if (value == null || value.isEmpty()) {
      return "_";
    }
    return value.replace('.', '_');
  }

  /** {@code classifier.model.<model>.<metric>[.<label>]}. */
  public static String model(String model, String metric, String... labels) {
    return MetricRegistry.name(MODEL + "." + segment(model), prepend(metric, labels));
  }

  /** {@code classifier.instance.<model>.<device>.<index>.<metric>}. */
  public static String instance(String model, Instance instance, String metric) {
    return MetricRegistry.name(
        INSTANCE,
        segment(model),
        segment(instance.deviceId()),
        Integer.toString(instance.index()),
        metric);
  }

  /**
   * {@code classifier.instance.<model>.<device>.<index>.provider.<provider>}: 1 on the provider the
   * instance runs on (see {@link ProviderGauges}).
   */
  public static String instanceProvider(String model, Instance instance, String provider) {
    return MetricRegistry.name(
        INSTANCE,
        segment(model),
        segment(instance.deviceId()),
        Integer.toString(instance.index()),
        "provider",
        segment(provider));
  }

  /** {@code classifier.grpc_requests.<protocol>.<method>.<code>}. */
  public static String grpcRequests(String protocol, String method, String code) {
    return MetricRegistry.name(GRPC_REQUESTS, segment(protocol), segment(method), code);
  }

  /**
   * {@code classifier.grpc_received.<protocol>.<method>}: calls opened (see {@link CallCounter}).
   */
  public static String grpcReceived(String protocol, String method) {
    return MetricRegistry.name(GRPC_RECEIVED, segment(protocol), segment(method));
  }

  /** {@code classifier.grpc_latency.<protocol>.<method>}. */
  public static String grpcLatency(String protocol, String method) {
    return MetricRegistry.name(GRPC_LATENCY, segment(protocol), segment(method));
  }

  /** {@code classifier.decode.<metric>}: the encoded-image decode stage. */
  public static String decode(String metric) {
    return MetricRegistry.name(DECODE, metric);
  }

  /** {@code classifier.health.<service>} (gauge 1/0, {@link HealthGauges}). */
  public static String health(String service) {
    return MetricRegistry.name(HEALTH, segment(service));
  }

  /**
   * The {@link BucketedHistogram} beside a per-model timer or histogram: {@code
   * classifier.model.<model>.<metric>_buckets}.
   */
  public static String buckets(String model, String metric) {
    return model(model, metric + "_buckets");
  }

  /** {@code classifier.jvm.<metric>}. */
  public static String jvm(String metric) {
    return MetricRegistry.name(JVM, metric);
  }

  /** {@code classifier.streams.<metric>}. */
  public static String streams(String metric) {
    return MetricRegistry.name(STREAMS, metric);
  }

  private static String[] prepend(String first, String[] rest) {
    String[] out = new String[rest.length + 1];
    out[0] = first;
    for (int i = 0; i < rest.length; i++) {
      out[i + 1] = segment(rest[i]);
    }
    return out;
  }

  /**
   * Dropwizard name patterns to Prometheus families. Counters and meters get {@code _total}
   * appended by the exposition format; timers are summaries in seconds.
   */
  public static List<MapperConfig> prometheusMappings() {
    return List.of(
        // a meter is exported as a counter: the bridge maps its name with "_total" appended
        // and its labels without, so meters need both patterns
        perModel("requests", "classifier_requests"),
        perModel("requests_total", "classifier_requests"),
        perModel("images", "classifier_images"),
        perModel("images_total", "classifier_images"),
        perModel("latency", "classifier_latency_seconds"),
        perModel("queue_wait", "classifier_queue_wait_seconds"),
        perModel("compute", "classifier_compute_seconds"),
        perModel("batch_size", "classifier_batch_size"),
        // histograms (buckets, _sum, _count) that add up across replicas
        perModel("latency_buckets", "classifier_request_duration_seconds"),
        perModel("queue_wait_buckets", "classifier_queue_wait_duration_seconds"),
        perModel("compute_buckets", "classifier_compute_duration_seconds"),
        perModel("batch_size_buckets", "classifier_batch_images"),
        perModel("batch_failures", "classifier_batch_failures"),
        perModel("reloads", "classifier_reloads"),
        perModel("watchdog_timeouts", "classifier_watchdog_timeouts"),
        perModelBy("rejected", "classifier_rejected", "reason"),
        perModelBy("batch_close", "classifier_batch_close", "reason"),
        perModelBy("queue_depth", "classifier_queue_depth", "priority"),
        perModelBy("queue_bytes", "classifier_queue_bytes", "priority"),
        perInstance("compute", "classifier_instance_compute_seconds"),
        perInstance("busy_ratio", "classifier_instance_busy_ratio"),
        perInstance("wedged", "classifier_instance_wedged"),
        new MapperConfig(
            INSTANCE + ".*.*.*.provider.*",
            "classifier_instance_provider",
            Map.of("model", "${0}", "device", "${1}", "instance", "${2}", "provider", "${3}")),
        new MapperConfig(
            GRPC_REQUESTS + ".*.*.*",
            "classifier_grpc_requests",
            Map.of("protocol", "${0}", "method", "${1}", "code", "${2}")),
        new MapperConfig(
            GRPC_LATENCY + ".*.*",
            "classifier_grpc_latency_seconds",
            Map.of("protocol", "${0}", "method", "${1}")),
        new MapperConfig(
            GRPC_RECEIVED + ".*.*",
            "classifier_grpc_received",
            Map.of("protocol", "${0}", "method", "${1}")),
        new MapperConfig(STREAMS + ".*", "classifier_streams_${0}", Map.of()),
        new MapperConfig(DECODE + ".*", "classifier_decode_${0}", Map.of()),
        new MapperConfig(HEALTH + ".*", "classifier_health_serving", Map.of("service", "${0}")),
        new MapperConfig(JVM + ".*", "classifier_jvm_${0}", Map.of()));
  }

  private static MapperConfig perModel(String metric, String family) {
    return new MapperConfig(MODEL + ".*." + metric, family, Map.of("model", "${0}"));
  }

  private static MapperConfig perModelBy(String metric, String family, String label) {
    return new MapperConfig(
        MODEL + ".*." + metric + ".*", family, Map.of("model", "${0}", label, "${1}"));
  }

  private static MapperConfig perInstance(String metric, String family) {
    return new MapperConfig(
        INSTANCE + ".*.*.*." + metric,
        family,
        Map.of("model", "${0}", "device", "${1}", "instance", "${2}"));
  }
}
