package dev.classifier.loadtest.measure;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** One bar of a latency histogram: requests with latency in (fromMillis, toMillis]. */
public record HistogramBucket(double fromMillis, double toMillis, long count) {

  /** Logarithmic buckets (ratio 2^(1/4)) from the histogram's minimum to its maximum. */
  public static List<HistogramBucket> logBuckets(Histogram h) {
    List<HistogramBucket> out = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return out;
    }
    long first = Math.max(1_000L, h.getMinNonZeroValue() / 2);
    double from = first;
    for (HistogramIterationValue v : h.logarithmicBucketValues(first, Math.pow(2, 0.25))) {
      double to = v.getValueIteratedTo();
      out.add(new HistogramBucket(from / 1e6, to / 1e6, v.getCountAddedInThisIterationStep()));
      from = to;
    }
    return out;
  }
}
