/**
 * The load generator. Today: a closed-loop run (N requests in flight, unary or over streams) with
 * HdrHistogram latency recording and warm-up excluded. The load-test issue adds open-loop Poisson
 * scenarios, sweeps, stability rules, baselines and reports. Start at
 * {@link dev.classifier.loadtest.LoadTestMain}.
 */
package dev.classifier.loadtest;
