package dev.classifier.loadtest.measure;

/**
 * One measurement window.
 *
 * @param seconds its length
 * @param imagesPerSecond images answered OK per second
 * @param p99Millis p99 latency of its OK answers (0 if none)
 * @param errors failed requests in it
 */
public record Window(double seconds, double imagesPerSecond, double p99Millis, long errors) {}
