package dev.classifier.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safe defaults: a listener on an address other than loopback must have TLS and authentication,
 * unless the operator said {@code --insecure} ({@code security.allowInsecure}); then it starts with
 * a loud warning. Applies to the public port (and metrics, which share its address) and the admin
 * listener.
 */
public final class ExposureCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ExposureCheck.class);

  private ExposureCheck() {}

  /** Thrown when the server would be exposed without protection and nobody allowed it. */
  public static final class InsecureExposureException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InsecureExposureException(String message) {
      super(message);
    }
  }

  /**
   * Checks the public address and the admin listener.
   *
   * @return the warnings logged (empty when everything is loopback or protected)
   * @throws InsecureExposureException when exposed without TLS or authentication and not allowed
   */
  public static List<String> check(String host, SecurityConfig security) {
    List<String> warnings = new ArrayList<>();
    checkOne("gRPC and metrics", host, security, warnings);
    if (security.admin().enabled()) {
      checkOne("admin", security.admin().host(), security, warnings);
    }
    return warnings;
  }

  private static void checkOne(
      String what, String host, SecurityConfig security, List<String> warnings) {
    if (isLoopback(host)) {
      return;
    }
    List<String> missing = new ArrayList<>();
    if (!security.tlsEnabled()) {
      missing.add("TLS");
    }
    if (!security.auth().enabled()) {
      missing.add("authentication");
    }
    if (missing.isEmpty()) {
      return;
    }
    String lacks = String.join(" and ", missing);
    if (!security.allowInsecure()) {
      throw new InsecureExposureException(
          "refusing to listen for "
              + what
              + " on "
              + host
              + " (not loopback) without "
              + lacks
              + ": configure security.tls and security.auth (docs/SECURITY.md), or pass"
              + " --insecure (security.allowInsecure: true) to accept the risk");
    }
    String w =
        "INSECURE: "
            + what
            + " listens on "
            + host
            + " without "
            + lacks
            + " (--insecure): anyone who can reach this address can "
            + (security.auth().enabled() ? "read the traffic" : "classify with every model")
            + (what.equals("admin") && !security.auth().enabled() ? " and reload models" : "");
    LOG.warn("!!! {} !!!", w);
    warnings.add(w);
  }

  /** Whether {@code host} names only loopback addresses (127.0.0.0/8, ::1, localhost). */
  static boolean isLoopback(String host) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      return false; // unknown: treat as exposed
    }
  }
}
