package dev.classifier.server.config;

import dev.classifier.server.security.AdminConfig;
import dev.classifier.server.security.AuthConfig;
import dev.classifier.server.security.CertificateIdentity;
import dev.classifier.server.security.ClientAuth;
import dev.classifier.server.security.Principal;
import dev.classifier.server.security.SecurityConfig;
import dev.classifier.server.security.TlsConfig;
import dev.classifier.server.security.TlsProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads and writes the {@code security} section (reference: docs/SECURITY.md). Paths resolve
 * against the config file's folder. Nothing secret is ever written: files are named, not read.
 */
final class SecurityConfigReader {
  private SecurityConfigReader() {}

  static SecurityConfig read(ConfigNode n, Path baseDir) {
    n.allowOnly("allowInsecure", "tls", "auth", "admin");
    TlsConfig tls = tls(n.child("tls"), n.raw("tls") == null, baseDir);
    AuthConfig auth = auth(n.child("auth"), baseDir);
    ConfigNode a = n.child("admin").allowOnly("host", "port", "modelRoot");
    AdminConfig admin =
        a.build(
            () ->
                new AdminConfig(
                    a.string("host", AdminConfig.DEFAULT_HOST),
                    a.integer("port", AdminConfig.DEFAULT_PORT),
                    path(a, "modelRoot", baseDir)));
    return n.build(() -> new SecurityConfig(tls, auth, admin, n.bool("allowInsecure", false)));
  }

  private static AuthConfig auth(ConfigNode a, Path baseDir) {
    a.allowOnly(
        "tokensFile",
        "reloadIntervalSeconds",
        "openReflection",
        "protectMetrics",
        "certificateIdentities");
    long reload =
        a.longValue("reloadIntervalSeconds", AuthConfig.DEFAULT_RELOAD_INTERVAL.toSeconds());
    if (reload < 0) {
      throw new ConfigException(a.key("reloadIntervalSeconds") + " must be >= 0, got " + reload);
    }
    List<CertificateIdentity> ids = new ArrayList<>();
    for (ConfigNode c : a.children("certificateIdentities")) {
      c.allowOnly("subject", "name", "models", "admin");
      ids.add(
          c.build(
              () ->
                  new CertificateIdentity(
                      c.string("subject", null),
                      new Principal(
                          c.string("name", null),
                          new LinkedHashSet<>(c.strings("models", List.of())),
                          c.bool("admin", false),
                          "certificate"))));
    }
    return a.build(
        () ->
            new AuthConfig(
                path(a, "tokensFile", baseDir),
                Duration.ofSeconds(reload),
                ids,
                a.bool("openReflection", false),
                a.bool("protectMetrics", false)));
  }

  private static TlsConfig tls(ConfigNode t, boolean absent, Path baseDir) {
    if (absent) {
      return null;
    }
    t.allowOnly(
        "certChain",
        "privateKey",
        "clientCa",
        "clientAuth",
        "provider",
        "reloadIntervalSeconds",
        "metrics");
    ClientAuth auth = enumValue(t, "clientAuth", ClientAuth.class);
    TlsProvider provider = enumValue(t, "provider", TlsProvider.class);
    long reload =
        t.longValue("reloadIntervalSeconds", TlsConfig.DEFAULT_RELOAD_INTERVAL.toSeconds());
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
    AuthConfig a = s.auth();
    Map<String, Object> auth = new LinkedHashMap<>();
    if (a.tokensFile() != null) {
      auth.put("tokensFile", a.tokensFile().toAbsolutePath().toString());
    }
    auth.put("reloadIntervalSeconds", a.reloadInterval().toSeconds());
    auth.put("openReflection", a.openReflection());
    auth.put("protectMetrics", a.protectMetrics());
    List<Map<String, Object>> ids = new ArrayList<>();
    for (CertificateIdentity c : a.certificateIdentities()) {
      Map<String, Object> id = new LinkedHashMap<>();
      id.put("subject", c.subject());
      id.put("name", c.principal().name());
      id.put("models", new ArrayList<>(new TreeSet<>(c.principal().models())));
      id.put("admin", c.principal().admin());
      ids.add(id);
    }
    if (!ids.isEmpty()) {
      auth.put("certificateIdentities", ids);
    }
    m.put("auth", auth);
    Map<String, Object> admin = new LinkedHashMap<>();
    admin.put("host", s.admin().host());
    admin.put("port", s.admin().port());
    if (s.admin().modelRoot() != null) {
      admin.put("modelRoot", s.admin().modelRoot().toAbsolutePath().toString());
    }
    m.put("admin", admin);
    return m;
  }
}
