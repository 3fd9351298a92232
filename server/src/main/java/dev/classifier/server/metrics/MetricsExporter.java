package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpsConfigurator;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Publishes a Dropwizard registry: over HTTP in the Prometheus text format at {@code /metrics}
 * (through the Prometheus Dropwizard bridge with the label mapping of {@link MetricNames}; see
 * {@link LabelledFamilies}) together with the JVM and process metrics of the Prometheus JVM
 * instrumentation (heap and pools, GC, threads, buffer pools i.e. direct memory, classes, CPU, open
 * files: {@code jvm_*}, {@code process_*}) and, optionally, as JMX MBeans in the {@code classifier}
 * domain. The HTTP server runs on its own small thread pool, never on the gRPC event loops.
 */
public final class MetricsExporter implements AutoCloseable {
  /** JMX domain of the MBeans. */
  public static final String JMX_DOMAIN = "classifier";

  private final HTTPServer http;
  private final JmxReporter jmx;

  private MetricsExporter(HTTPServer http, JmxReporter jmx) {
    this.http = http;
    this.jmx = jmx;
  }

  /**
   * Starts the exporters.
   *
   * @param host address for the HTTP endpoint
   * @param port its port; 0 = ephemeral, -1 = no HTTP endpoint
   * @param withJmx whether to register JMX MBeans
   * @throws IOException when the port cannot be bound
   */
  public static MetricsExporter start(
      MetricRegistry registry, String host, int port, boolean withJmx) throws IOException {
    return start(registry, host, port, withJmx, null, null);
  }

  /**
   * As {@link #start(MetricRegistry, String, int, boolean)}, over HTTPS when {@code https} is set
   * and behind {@code authenticator} when set.
   */
  public static MetricsExporter start(
      MetricRegistry registry,
      String host,
      int port,
      boolean withJmx,
      HttpsConfigurator https,
      Authenticator authenticator)
      throws IOException {
    HTTPServer http = null;
    if (port >= 0) {
      PrometheusRegistry prometheus = new PrometheusRegistry();
      prometheus.register(
          new LabelledFamilies(registry, new CustomLabelMapper(MetricNames.prometheusMappings())));
      JvmMetrics.builder().register(prometheus);
      try {
        HTTPServer.Builder b = HTTPServer.builder().hostname(host).port(port).registry(prometheus);
        if (https != null) {
          b.httpsConfigurator(https);
        }
        if (authenticator != null) {
          b.authenticator(authenticator);
        }
        http = b.buildAndStart();
      } catch (IOException | UncheckedIOException e) {
        throw new IOException(
            "cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
    JmxReporter reporter = null;
    if (withJmx) {
      reporter = JmxReporter.forRegistry(registry).inDomain(JMX_DOMAIN).build();
      reporter.start();
    }
    return new MetricsExporter(http, reporter);
  }

  /** The HTTP port, or -1 when the endpoint is off. */
  public int port() {
    return http == null ? -1 : http.getPort();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (jmx != null) {
      jmx.close();
    }
  }
}
