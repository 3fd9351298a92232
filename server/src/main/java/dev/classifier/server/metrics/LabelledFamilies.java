package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Prometheus Dropwizard bridge ({@link DropwizardExports}) with label mapping, made to work for
 * families with more than one series.
 *
 * <p>The bridge (1.4.3, the last release of the Dropwizard 4 module on Maven Central) converts each
 * Dropwizard metric to one snapshot and fails the whole scrape ("duplicate metric name") as soon as
 * two metrics map to the same Prometheus family, which is the point of a label mapping ({@code
 * classifier.model.a.images} and {@code classifier.model.b.images} are both {@code
 * classifier_images}). This collector runs the bridge once per Dropwizard metric (conversion,
 * units, naming and labels stay the bridge's) and merges the resulting snapshots of one family into
 * one, concatenating their data points.
 *
 * <p>{@link BucketedHistogram}s, which the bridge does not know, are converted here into Prometheus
 * histograms, named and labelled by the same mapper.
 */
final class LabelledFamilies implements MultiCollector {
  private final MetricRegistry registry;
  private final CustomLabelMapper mapper;
  private final Map<String, DropwizardExports> perMetric = new ConcurrentHashMap<>();

  LabelledFamilies(MetricRegistry registry, CustomLabelMapper mapper) {
    this.registry = registry;
    this.mapper = mapper;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, List<MetricSnapshot>> byFamily = new TreeMap<>();
    Set<String> names = registry.getNames();
    perMetric.keySet().retainAll(names);
    Map<String, com.codahale.metrics.Metric> all = registry.getMetrics();
    for (String name : names) {
      if (all.get(name) instanceof BucketedHistogram h) {
        MetricSnapshot s = histogram(name, h);
        byFamily
            .computeIfAbsent(s.getMetadata().getPrometheusName(), k -> new ArrayList<>())
            .add(s);
        continue;
      }
      DropwizardExports one =
          perMetric.computeIfAbsent(
              name, n -> new DropwizardExports(registry, (metric, m) -> metric.equals(n), mapper));
      for (MetricSnapshot s : one.collect()) {
        byFamily
            .computeIfAbsent(s.getMetadata().getPrometheusName(), k -> new ArrayList<>())
            .add(s);
      }
    }
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    for (List<MetricSnapshot> family : byFamily.values()) {
      out.metricSnapshot(merge(family));
    }
    return out.build();
  }

  private HistogramSnapshot histogram(String name, BucketedHistogram h) {
    BucketedHistogram.Snapshot s = h.snapshot();
    HistogramDataPointSnapshot point =
        HistogramDataPointSnapshot.builder()
            .classicHistogramBuckets(ClassicHistogramBuckets.of(s.upperBounds(), s.counts()))
            .sum(s.sum())
            .labels(mapper.getLabels(name, List.of(), List.of()))
            .build();
    return new HistogramSnapshot(
        new MetricMetadata(mapper.getName(name), "Generated from Dropwizard metric " + name),
        List.of(point));
  }

  private static MetricSnapshot merge(List<MetricSnapshot> family) {
    MetricSnapshot first = family.get(0);
    if (family.size() == 1) {
      return first;
    }
    if (first instanceof CounterSnapshot) {
      return new CounterSnapshot(
          first.getMetadata(), points(family, CounterDataPointSnapshot.class));
    }
    if (first instanceof GaugeSnapshot) {
      return new GaugeSnapshot(first.getMetadata(), points(family, GaugeDataPointSnapshot.class));
    }
    if (first instanceof HistogramSnapshot) {
      return new HistogramSnapshot(
          first.getMetadata(), points(family, HistogramDataPointSnapshot.class));
    }
    if (first instanceof SummarySnapshot) {
      return new SummarySnapshot(
          first.getMetadata(), points(family, SummaryDataPointSnapshot.class));
    }
    return first;
  }

  /** The data points of every snapshot of the family that has the first one's type. */
  private static <P extends DataPointSnapshot> List<P> points(
      List<MetricSnapshot> family, Class<P> type) {
    List<P> out = new ArrayList<>();
    for (MetricSnapshot s : family) {
      for (DataPointSnapshot p : s.getDataPoints()) {
        if (type.isInstance(p)) {
          out.add(type.cast(p));
        }
      }
    }
    return out;
  }
}
