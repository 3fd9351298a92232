/**
 * JMH benchmarks of the batcher alone (no-op runner). Tagged {@code bench}: surefire skips them.
 * How to run them and the latest numbers: {@code docs/BENCHMARKS-batching.md}.
 */
package dev.classifier.batching.bench;
