/**
 * Benchmarks of the batcher alone, kept out of the test suite (tagged {@code bench}; surefire skips
 * them): {@code BatcherBenchmark} (JMH: throughput and added latency with a no-op runner) and
 * {@code AdaptiveComparison} (a plain main: adaptive vs fixed policies on a simulated engine under
 * Poisson load). How to run them and the latest numbers: {@code docs/BENCHMARKS.md} and {@code
 * docs/ADAPTIVE-BATCHING.md}.
 */
package dev.classifier.batching.bench;
