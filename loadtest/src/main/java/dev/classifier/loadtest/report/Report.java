package dev.classifier.loadtest.report;

import dev.classifier.loadtest.baseline.InProcessOnnx;
import dev.classifier.loadtest.measure.RunResult;
import dev.classifier.loadtest.scenario.MaxRateSearch;
import java.util.List;
import java.util.Map;

/**
 * Everything one invocation measured.
 *
 * @param title what was measured
 * @param createdAt ISO-8601 time
 * @param environment machine and settings (cores, JVM, server, model, plan...)
 * @param runs every load run, in order
 * @param inProcess in-process ONNX Runtime baselines (may be empty)
 * @param maxRate the find-max-rate result, or null
 * @param findings derived ratios and differences
 */
public record Report(
    String title,
    String createdAt,
    Map<String, String> environment,
    List<RunResult> runs,
    List<InProcessOnnx.Result> inProcess,
    MaxRateSearch.Found maxRate,
    List<Finding> findings) {}
