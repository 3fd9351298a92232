package dev.classifier.loadtest.report;

/**
 * One derived number, e.g. serving overhead = 0.97.
 *
 * @param name short key, e.g. "serving_overhead"
 * @param value the number
 * @param unit "ratio", "ms", "images/s", "requests/s"
 * @param detail how it was computed, from which runs
 */
public record Finding(String name, double value, String unit, String detail) {}
