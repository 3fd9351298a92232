package dev.classifier.server.security;

import io.grpc.Context;

/** The authenticated identity of the current call, for services (admin audit log). */
public final class AuthContext {
  /** Set by {@link AuthInterceptor} for every authenticated call. */
  public static final Context.Key<Principal> PRINCIPAL = Context.key("classifier-principal");

  private AuthContext() {}

  /** The current call's identity name, or "anonymous" when authentication is off. */
  public static String who() {
    Principal p = PRINCIPAL.get();
    return p == null ? "anonymous" : p.name() + " (" + p.via() + ")";
  }
}
