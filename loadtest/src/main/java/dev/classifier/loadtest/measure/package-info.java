/**
 * Recording and judging: {@link dev.classifier.loadtest.measure.Outcomes} is the thread-safe sink
 * every completion goes to (HdrHistogram latency, images, errors by status code); {@link
 * dev.classifier.loadtest.measure.WindowedMeasurement} cuts a run into warm-up and measurement
 * windows; {@link dev.classifier.loadtest.measure.StabilityRule} decides whether the last windows
 * agree (perf_analyzer's rule); {@link dev.classifier.loadtest.measure.RunResult} is one run's
 * numbers.
 */
package dev.classifier.loadtest.measure;
