/**
 * Results out: {@link dev.classifier.loadtest.report.Report} (everything one invocation measured,
 * plus the derived {@link dev.classifier.loadtest.report.Finding}s: serving overhead, batching
 * gain, transport cost...), written as JSON ({@link dev.classifier.loadtest.report.JsonReport}),
 * CSV ({@link dev.classifier.loadtest.report.CsvReport}) and a self-contained HTML page with inline
 * SVG charts ({@link dev.classifier.loadtest.report.HtmlReport}, {@link
 * dev.classifier.loadtest.report.SvgChart}); no scripts, no external resources.
 */
package dev.classifier.loadtest.report;
