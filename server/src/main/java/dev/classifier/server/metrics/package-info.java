/**
 * Server metrics in a Dropwizard {@link com.codahale.metrics.MetricRegistry} and their export.
 *
 * <p>Start with {@link dev.classifier.server.metrics.MetricNames}: every metric's Dropwizard name
 * and the Prometheus family (with labels) it is exported as. Sources: {@link
 * dev.classifier.server.metrics.BatcherMetrics} (batcher listener per model: batch sizes, close
 * reasons, queue wait, compute, rejects, instance busy ratio), {@link
 * dev.classifier.server.metrics.GrpcMetricsInterceptor} (per method and status code, per-model
 * requests and end-to-end latency, optional access log), {@link
 * dev.classifier.server.metrics.QueueGauges} and {@link
 * dev.classifier.server.metrics.StreamGauges}. {@link
 * dev.classifier.server.metrics.MetricsExporter} serves {@code /metrics} (Prometheus text format,
 * plus the JVM and process metrics of the Prometheus JVM instrumentation) and JMX. {@link
 * dev.classifier.server.metrics.BucketedHistogram} is a Dropwizard metric with fixed buckets,
 * exported as a Prometheus histogram so that latencies and batch sizes add up across replicas;
 * {@link dev.classifier.server.metrics.HealthGauges} exports the health service's answers. The full
 * list is in {@code docs/OPERATIONS.md}.
 */
package dev.classifier.server.metrics;
