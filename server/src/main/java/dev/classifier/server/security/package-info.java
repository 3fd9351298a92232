/**
 * Making the server safe to expose (reference: docs/SECURITY.md). Start with {@link
 * dev.classifier.server.security.ServerSecurity}, which the server builds from {@link
 * dev.classifier.server.security.SecurityConfig} and asks to configure its listeners.
 *
 * <ul>
 *   <li>Transport: {@link dev.classifier.server.security.ServerTls} (TLS and mutual TLS, BoringSSL
 *       or JDK, PEM files reloaded on change by {@link
 *       dev.classifier.server.security.FileReloader}) and {@link
 *       dev.classifier.server.security.ConnectionPolicies} (keepalive, connection age,
 *       per-connection limits).
 *   <li>Calls: {@link dev.classifier.server.security.AuthInterceptor} identifies the caller ({@link
 *       dev.classifier.server.security.CallAuthenticator}: bearer tokens from {@link
 *       dev.classifier.server.security.TokenStore}, or mapped client certificates) and checks each
 *       request message's model through {@link dev.classifier.server.security.ModelRules}, which
 *       every front-end registers its methods in.
 *   <li>Admin: its own listener, and {@link dev.classifier.server.security.ModelPathPolicy}
 *       confining ReloadModel to the model root.
 *   <li>Safe defaults: {@link dev.classifier.server.security.ExposureCheck}.
 *   <li>Tools: {@link dev.classifier.server.security.HashTokenCommand} ({@code hash-token}).
 * </ul>
 */
package dev.classifier.server.security;
