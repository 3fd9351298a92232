/**
 * Load shapes. {@link dev.classifier.loadtest.scenario.ClosedLoop} keeps N requests in flight;
 * {@link dev.classifier.loadtest.scenario.OpenLoop} sends on an {@link
 * dev.classifier.loadtest.schedule.ArrivalSchedule} and measures latency from each request's
 * <em>scheduled</em> time (no coordinated omission); {@link
 * dev.classifier.loadtest.scenario.Offline} sends a fixed number at once. {@link
 * dev.classifier.loadtest.scenario.RunExecutor} wraps one of them with warm-up, windows, stability
 * and /metrics scraping into a {@link dev.classifier.loadtest.measure.RunResult}; {@link
 * dev.classifier.loadtest.scenario.MaxRateSearch} bisects the Poisson rate against a p99 bound.
 */
package dev.classifier.loadtest.scenario;
