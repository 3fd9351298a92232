/**
 * Server-level guarantee tests: hostile input, overload, flow control over real Netty, fuzzing;
 * each ends with the {@link dev.classifier.server.Accounting} invariant.
 */
package dev.classifier.server.guarantees;
