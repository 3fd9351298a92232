/**
 * When requests are due: {@link dev.classifier.loadtest.schedule.ArrivalSchedule} yields send times
 * as offsets from the start of a run. {@link dev.classifier.loadtest.schedule.PoissonSchedule}
 * (seeded exponential gaps, MLPerf "Server") and {@link
 * dev.classifier.loadtest.schedule.ConstantSchedule} (fixed gaps).
 */
package dev.classifier.loadtest.schedule;
