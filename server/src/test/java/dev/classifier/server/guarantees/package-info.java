/**
 * Server-level guarantee tests (issue 10): hostile input, overload, flow control over real Netty,
 * fuzzing; each ends with the {@link dev.classifier.server.Accounting} invariant.
 */
package dev.classifier.server.guarantees;
