/**
 * Server metrics in a Dropwizard {@link com.codahale.metrics.MetricRegistry}.
 * {@link dev.classifier.server.metrics.BatcherMetrics} is the batcher listener that records each
 * model's queue, batch and reject figures under {@code classifier.model.<name>.*}.
 */
package dev.classifier.server.metrics;
