/**
 * The server's own view: {@link dev.classifier.loadtest.metrics.PrometheusText} parses the
 * Prometheus text exposition format tolerantly (unknown lines are skipped), {@link
 * dev.classifier.loadtest.metrics.MetricsScraper} fetches {@code /metrics} over loopback HTTP, and
 * {@link dev.classifier.loadtest.metrics.ServerSideDelta} turns two scrapes into batch-size, queue
 * wait and images/s numbers for one run.
 */
package dev.classifier.loadtest.metrics;
