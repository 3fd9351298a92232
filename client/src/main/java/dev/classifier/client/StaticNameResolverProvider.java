package dev.classifier.client;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Resolves {@code static:///host1:port1,host2:port2,...} to that fixed list of addresses, one per
 * replica, for client-side load balancing ({@code round_robin}) without DNS: replicas on one
 * machine (127.0.0.1, 127.0.0.2, ...), or a known set of pods. IPv6 literals go in brackets ({@code
 * [::1]:50051}). In Kubernetes prefer {@code dns:///classifier-headless:50051}, which follows pods
 * as they come and go.
 */
public final class StaticNameResolverProvider extends NameResolverProvider {
  public static final String SCHEME = "static";
  private static final StaticNameResolverProvider INSTANCE = new StaticNameResolverProvider();
  private static volatile boolean registered;

  /** Registers the provider in gRPC's default registry (once; also found through ServiceLoader). */
  public static void register() {
    if (!registered) {
      synchronized (StaticNameResolverProvider.class) {
        if (!registered) {
          NameResolverRegistry.getDefaultRegistry().register(INSTANCE);
          registered = true;
        }
      }
    }
  }

  /** The addresses of a {@code static:///...} target's path (without the leading slash). */
  public static List<InetSocketAddress> parse(String list) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String item : list.split(",")) {
      String s = item.strip();
      int colon = s.lastIndexOf(':');
      if (s.isEmpty() || colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException(
            "static target entries must be host:port, got '" + item + "' in '" + list + "'");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad port in static target entry '" + item + "'", e);
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "port out of range in static target entry '" + item + "'");
      }
      out.add(InetSocketAddress.createUnresolved(host, port));
    }
    return out;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI target, NameResolver.Args args) {
    if (!SCHEME.equals(target.getScheme())) {
      return null;
    }
    String path = target.getPath() == null ? "" : target.getPath();
    List<InetSocketAddress> addresses = parse(path.startsWith("/") ? path.substring(1) : path);
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        InetSocketAddress first = addresses.get(0);
        return first.getHostString() + ":" + first.getPort();
      }

      @Override
      public void start(Listener2 listener) {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
          // resolved here, on gRPC's executor (literal IPs do not block)
          groups.add(
              new EquivalentAddressGroup(new InetSocketAddress(a.getHostString(), a.getPort())));
        }
        listener.onResult(
            ResolutionResult.newBuilder()
                .setAddressesOrError(StatusOr.fromValue(groups))
                .setAttributes(Attributes.EMPTY)
                .build());
      }

      @Override
      public void shutdown() {}
    };
  }
}
