package dev.classifier.server.grpc;

import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.classifier.server.core.RateLimitedLog;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request messages that do not parse (random bytes, a truncated message, invalid UTF-8 in a string
 * field) are the client's error, so they must be answered INVALID_ARGUMENT by the handler, not
 * UNKNOWN with a stack trace by the transport. {@link #wrap} replaces each method's request
 * marshaller with one that never throws: a message that fails to parse becomes a per-type marker
 * instance (compared by identity, so no client message can imitate it) which the handler answers
 * through the normal path, where it is counted like any other call. Each failure logs at most one
 * WARN line per 10 s in total.
 */
public final class LenientRequests {
  private static final Logger LOG = LoggerFactory.getLogger(LenientRequests.class);
  private static final RateLimitedLog WARN =
      new RateLimitedLog(LOG, 10, TimeUnit.SECONDS, System::nanoTime);

  /** Marker instance by message class. */
  private static final Map<Class<?>, Object> MALFORMED = new ConcurrentHashMap<>();

  private LenientRequests() {}

  /** Whether {@code message} is the marker of a request that did not parse. */
  public static boolean isMalformed(Object message) {
    return message != null && MALFORMED.get(message.getClass()) == message;
  }

  /** The description clients get for a request that did not parse. */
  public static String description(Object marker) {
    return "the request is not a valid "
        + ((Message) marker).getDescriptorForType().getFullName()
        + " protobuf message (garbage, truncated, or invalid UTF-8 in a string field)";
  }

  /** {@code definition} with every protobuf request marshaller made lenient. */
  public static ServerServiceDefinition wrap(ServerServiceDefinition definition) {
    ServiceDescriptor old = definition.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    ServiceDescriptor.Builder service =
        ServiceDescriptor.newBuilder(old.getName()).setSchemaDescriptor(old.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> m : definition.getMethods()) {
      ServerMethodDefinition<?, ?> l = lenient(m);
      methods.add(l);
      service.addMethod(l.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, A> ServerMethodDefinition<Q, A> lenient(ServerMethodDefinition<Q, A> m) {
    MethodDescriptor<Q, A> d = m.getMethodDescriptor();
    if (!(d.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto)
        || !(proto.getMessagePrototype() instanceof Message prototype)) {
      return m;
    }
    @SuppressWarnings("unchecked")
    Q marker =
        (Q)
            MALFORMED.computeIfAbsent(
                prototype.getClass(),
                c ->
                    prototype
                        .newBuilderForType()
                        .setUnknownFields(
                            UnknownFieldSet.newBuilder()
                                .addField(
                                    536_870_911,
                                    UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                                .build())
                        .build());
    MethodDescriptor<Q, A> lenient =
        d.toBuilder().setRequestMarshaller(new Lenient<>(proto, marker, d)).build();
    return ServerMethodDefinition.create(lenient, m.getServerCallHandler());
  }

  /** Parses like the protobuf marshaller; a failure becomes the marker. */
  private record Lenient<Q>(
      MethodDescriptor.PrototypeMarshaller<Q> delegate, Q marker, MethodDescriptor<?, ?> method)
      implements MethodDescriptor.PrototypeMarshaller<Q> {
    @Override
    public InputStream stream(Q value) {
      return delegate.stream(value);
    }

    @Override
    public Q parse(InputStream stream) {
      try {
        return delegate.parse(stream);
      } catch (RuntimeException e) {
        WARN.warn(
            "malformed request message on "
                + method.getFullMethodName()
                + " answered INVALID_ARGUMENT: "
                + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        try {
          stream.close();
        } catch (IOException ignored) {
          // nothing to release
        }
        return marker;
      }
    }

    @Override
    public Q getMessagePrototype() {
      return delegate.getMessagePrototype();
    }

    @Override
    public Class<Q> getMessageClass() {
      return delegate.getMessageClass();
    }
  }
}
