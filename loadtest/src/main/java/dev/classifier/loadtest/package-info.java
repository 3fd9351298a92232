/**
 * The load-test harness (perf_analyzer / ghz / MLPerf LoadGen in one jar). Start at {@link
 * dev.classifier.loadtest.LoadTestCommand}: it prepares inputs before timing, runs the scenario
 * (closed loop, concurrency sweep, open loop, find-max-rate, offline) over unary calls or streams,
 * adds the baselines (in-process ONNX Runtime, a batching-off server, a gRPC echo of the same
 * payload) and writes JSON, CSV and HTML. Subpackages: {@code schedule} (arrival times), {@code
 * measure} (recording, windows, stability), {@code transport} (senders, echo), {@code scenario}
 * (load shapes), {@code baseline}, {@code metrics} (/metrics scraping), {@code report}.
 */
package dev.classifier.loadtest;
