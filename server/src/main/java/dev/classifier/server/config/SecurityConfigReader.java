package dev.classifier.server.config;

import dev.classifier.server.security.ClientAuth;
import dev.classifier.server.security.SecurityConfig;
import dev.classifier.server.security.TlsConfig;
import dev.classifier.server.security.TlsProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes the {@code security} section (reference: docs/SECURITY.md). Paths resolve
 * against the config file's folder. Nothing secret is ever written: files are named, not read.
 */
final class SecurityConfigReader {
  private SecurityConfigReader() {}

  static SecurityConfig read(ConfigNode n, Path baseDir) {
    n.allowOnly("allowInsecure", "tls");
    TlsConfig tls = tls(n.child("tls"), n.raw("tls") == null, baseDir);
    return n.build(() -> new SecurityConfig(tls, n.bool("allowInsecure", false)));
  }

  private static TlsConfig tls(ConfigNode t, boolean absent, Path baseDir) {
    if (absent) {
      return null;
    }
    t.allowOnly(
        "certChain", "privateKey", "clientCa", "clientAuth", "provider", "reloadIntervalSeconds",
        "metrics");
    ClientAuth auth = enumValue(t, "clientAuth", ClientAuth.class);
    TlsProvider provider = enumValue(t, "provider", TlsProvider.class);
    long reload = t.longValue("reloadIntervalSeconds", TlsConfig.DEFAULT_RELOAD_INTERVAL.toSeconds());
    if (reload < 0) {
      throw new ConfigException(t.key("reloadIntervalSeconds") + " must be >= 0, got " + reload);
    }
    return t.build(
        () ->
            new TlsConfig(
                path(t, "certChain", baseDir),
                path(t, "privateKey", baseDir),
                path(t, "clientCa", baseDir),
                auth,
                provider,
                Duration.ofSeconds(reload),
                t.bool("metrics", true)));
  }

  private static Path path(ConfigNode n, String key, Path baseDir) {
    String v = n.string(key, null);
    return v == null ? null : baseDir.resolve(v).normalize();
  }

  private static <E extends Enum<E>> E enumValue(ConfigNode n, String key, Class<E> type) {
    String v = n.string(key, null);
    if (v == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      String known =
          String.join(
              ", ",
              Arrays.stream(type.getEnumConstants())
                  .map(c -> c.name().toLowerCase(Locale.ROOT))
                  .toList());
      throw new ConfigException(n.key(key) + " must be one of " + known + ", got '" + v + "'");
    }
  }

  static Map<String, Object> toMap(SecurityConfig s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("allowInsecure", s.allowInsecure());
    TlsConfig t = s.tls();
    if (t != null) {
      Map<String, Object> tls = new LinkedHashMap<>();
      tls.put("certChain", t.certChain().toAbsolutePath().toString());
      tls.put("privateKey", t.privateKey().toAbsolutePath().toString());
      if (t.clientCa() != null) {
        tls.put("clientCa", t.clientCa().toAbsolutePath().toString());
      }
      tls.put("clientAuth", t.clientAuth().name().toLowerCase(Locale.ROOT));
      tls.put("provider", t.provider().name().toLowerCase(Locale.ROOT));
      tls.put("reloadIntervalSeconds", t.reloadInterval().toSeconds());
      tls.put("metrics", t.metrics());
      m.put("tls", tls);
    }
    return m;
  }
}
