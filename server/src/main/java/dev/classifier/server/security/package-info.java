/**
 * Making the server safe to expose: connection policies ({@link
 * dev.classifier.server.security.ConnectionPolicies}), and the transport and call-level security
 * that builds on them. Start with {@link dev.classifier.server.security.ConnectionPolicies}.
 */
package dev.classifier.server.security;
