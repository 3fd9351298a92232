package dev.classifier.server.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Authentication and authorisation of every call, before any work: the caller is identified ({@link
 * CallAuthenticator}; UNAUTHENTICATED when not), the Admin service needs the admin permission, and
 * each request message that names a model (a unary request, every stream item; see {@link
 * ModelRules}) is checked against the caller's models before it reaches the service
 * (PERMISSION_DENIED, the call ends). Open services (health, and reflection when configured) pass
 * untouched. The identity is put in the call's {@link io.grpc.Context} ({@link AuthContext}).
 *
 * <p>Order (outermost first): call accounting, this, per-connection limits, the service.
 */
public final class AuthInterceptor implements ServerInterceptor {
  /** Services that need the admin permission. */
  public static final Set<String> ADMIN_SERVICES = Set.of("classifier.v1.Admin");

  private static final Metadata.Key<String> WWW_AUTHENTICATE =
      Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER);
  private static final int MAX_NAME_IN_MESSAGE = 64;

  private final CallAuthenticator authenticator;
  private final ModelRules rules;
  private final UnaryOperator<String> servedName;
  private final Set<String> openServices;
  private final java.util.function.Predicate<Metadata> internalCaller;

  /**
   * @param servedName the served model a request's model field means ("" = the default), or null
   *     when no such model is served
   * @param openServices services answered without credentials (health always belongs here)
   * @param internalCaller recognises the server's own calls (its serving-path warm-up, which
   *     carries a random per-process secret): they run as {@link #INTERNAL}, every model, no admin
   */
  public AuthInterceptor(
      CallAuthenticator authenticator,
      ModelRules rules,
      UnaryOperator<String> servedName,
      Set<String> openServices,
      java.util.function.Predicate<Metadata> internalCaller) {
    this.authenticator = authenticator;
    this.rules = rules;
    this.servedName = servedName;
    this.openServices = Set.copyOf(openServices);
    this.internalCaller = internalCaller;
  }

  /** The identity of the server's own calls. */
  public static final Principal INTERNAL =
      new Principal("server-warmup", Set.of(Principal.ANY_MODEL), false, "internal");

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (openServices.contains(service)) {
      return next.startCall(call, headers);
    }
    if (internalCaller.test(headers) && !ADMIN_SERVICES.contains(service)) {
      return Contexts.interceptCall(
          Context.current().withValue(AuthContext.PRINCIPAL, INTERNAL), call, headers, next);
    }
    CallAuthenticator.Result r = authenticator.authenticate(headers, call.getAttributes());
    if (r.principal() == null) {
      Metadata trailers = new Metadata();
      trailers.put(WWW_AUTHENTICATE, "Bearer");
      call.close(r.failure(), trailers);
      return new ServerCall.Listener<>() {};
    }
    Principal p = r.principal();
    if (ADMIN_SERVICES.contains(service) && !p.admin()) {
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              "identity '" + p.name() + "' may not call " + service + " (needs admin)"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context ctx = Context.current().withValue(AuthContext.PRINCIPAL, p);
    Function<Object, String> model =
        rules.forMethod(call.getMethodDescriptor().getFullMethodName());
    if (model == null || p.models().contains(Principal.ANY_MODEL)) {
      return Contexts.interceptCall(ctx, call, headers, next);
    }
    GuardedCall<ReqT, RespT> guarded = new GuardedCall<>(call);
    ServerCall.Listener<ReqT> delegate = Contexts.interceptCall(ctx, guarded, headers, next);
    return new ModelChecking<>(delegate, guarded, p, model);
  }

  private String describe(String requested) {
    String name = requested.isEmpty() ? "(default)" : requested;
    return name.length() > MAX_NAME_IN_MESSAGE
        ? name.substring(0, MAX_NAME_IN_MESSAGE) + "..."
        : name;
  }

  /**
   * Checks each message's model; on a refusal ends the call and tells the service it was cancelled.
   */
  private final class ModelChecking<ReqT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final GuardedCall<ReqT, ?> call;
    private final Principal principal;
    private final Function<Object, String> model;
    private boolean denied;
    private boolean ended;

    ModelChecking(
        ServerCall.Listener<ReqT> delegate,
        GuardedCall<ReqT, ?> call,
        Principal principal,
        Function<Object, String> model) {
      super(delegate);
      this.call = call;
      this.principal = principal;
      this.model = model;
    }

    @Override
    public void onMessage(ReqT message) {
      if (denied) {
        return;
      }
      String requested = model.apply(message);
      String served = servedName.apply(requested == null ? "" : requested);
      if (served == null || !principal.mayUse(served)) {
        denied = true;
        call.closeByInterceptor(
            Status.PERMISSION_DENIED.withDescription(
                "identity '"
                    + principal.name()
                    + "' may not use model '"
                    + describe(requested == null ? "" : requested)
                    + "'"));
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!denied) {
        super.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      if (!denied) {
        super.onReady();
      }
    }

    @Override
    public void onComplete() {
      end(!denied);
    }

    @Override
    public void onCancel() {
      end(false);
    }

    private void end(boolean completed) {
      if (ended) {
        return;
      }
      ended = true;
      if (completed) {
        super.onComplete();
      } else {
        super.onCancel(); // the service releases what it holds, as for a client that went away
      }
    }
  }

  /** A call that the interceptor can close first; the service's later writes are then dropped. */
  private static final class GuardedCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private boolean closed;

    GuardedCall(ServerCall<ReqT, RespT> delegate) {
      super(delegate);
    }

    synchronized void closeByInterceptor(Status status) {
      if (!closed) {
        closed = true;
        super.close(status, new Metadata());
      }
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(RespT message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    @Override
    public synchronized boolean isReady() {
      return !closed && super.isReady();
    }

    @Override
    public synchronized boolean isCancelled() {
      return closed || super.isCancelled();
    }
  }
}
