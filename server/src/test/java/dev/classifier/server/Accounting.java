package dev.classifier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.classifier.server.ops.Scrape;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's accounting invariant, read from {@code /metrics} over real HTTP: for every method,
 * calls received = calls answered (summed over status codes), and every gauge of work in progress
 * (open streams, stream items in flight, queue depth and bytes, images decoding) is back at zero.
 * Call {@link #settled} at the end of a server-level test.
 */
public final class Accounting {
  private static final Pattern RECEIVED =
      Pattern.compile(
          "classifier_grpc_received_total\\{method=\"([^\"]*)\"(?:,protocol=\"[^\"]*\")?}");
  private static final Pattern ANSWERED =
      Pattern.compile(
          "classifier_grpc_requests_total\\{code=\"([^\"]*)\",method=\"([^\"]*)\""
              + "(?:,protocol=\"[^\"]*\")?}");
  private static final String[] IN_PROGRESS = {
    "classifier_streams_open",
    "classifier_streams_in_flight",
    "classifier_queue_depth{",
    "classifier_queue_bytes{",
    "classifier_decode_pending_images",
    "classifier_decode_pending_bytes",
  };

  private final Scrape scrape;
  private final Map<String, Double> received = new TreeMap<>();
  private final Map<String, Double> answered = new TreeMap<>();
  private final Map<String, Double> byMethodAndCode = new TreeMap<>();
  private final Map<String, Double> inProgress = new TreeMap<>();

  private Accounting(Scrape scrape) {
    this.scrape = scrape;
    for (Map.Entry<String, Double> e : scrape.series().entrySet()) {
      Matcher r = RECEIVED.matcher(e.getKey());
      Matcher a = ANSWERED.matcher(e.getKey());
      if (r.matches()) {
        received.merge(r.group(1), e.getValue(), Double::sum);
      } else if (a.matches()) {
        answered.merge(a.group(2), e.getValue(), Double::sum);
        byMethodAndCode.put(a.group(2) + " " + a.group(1), e.getValue());
      } else {
        for (String prefix : IN_PROGRESS) {
          if (e.getKey().startsWith(prefix)) {
            inProgress.put(e.getKey(), e.getValue());
          }
        }
      }
    }
  }

  public static Accounting scrape(ClassifierServer server) throws Exception {
    return new Accounting(Scrape.of("127.0.0.1", server.metricsPort()));
  }

  /** Waits (bounded) until the books balance, then returns that scrape; fails with the last one. */
  public static Accounting settled(ClassifierServer server) {
    AtomicReference<Accounting> last = new AtomicReference<>();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                last.set(scrape(server));
                return last.get().problems().isEmpty();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "accounting does not balance: "
              + (last.get() == null ? "no scrape" : last.get().problems()),
          e);
    }
    return last.get();
  }

  /** Calls of {@code method} (short name, "Classifier/Classify") answered with {@code code}. */
  public double answered(String method, String code) {
    return byMethodAndCode.getOrDefault(method + " " + code, 0.0);
  }

  public double received(String method) {
    return received.getOrDefault(method, 0.0);
  }

  /** Fails unless the invariant holds now. */
  public void assertBalanced() {
    assertThat(problems()).as("accounting of %s", scrape.family("classifier_grpc")).isEmpty();
  }

  /** What does not balance (empty when everything does). */
  public String problems() {
    StringBuilder sb = new StringBuilder();
    Map<String, Double> methods = new TreeMap<>(received);
    answered.keySet().forEach(m -> methods.putIfAbsent(m, 0.0));
    for (String m : methods.keySet()) {
      double in = received.getOrDefault(m, 0.0);
      double out = answered.getOrDefault(m, 0.0);
      if (in != out) {
        sb.append(m)
            .append(": received ")
            .append(in)
            .append(", answered ")
            .append(out)
            .append("; ");
      }
    }
    if (received.isEmpty()) {
      sb.append("no classifier_grpc_received_total series; ");
    }
    inProgress.forEach(
        (k, v) -> {
          if (v != 0) {
            sb.append(k).append(" = ").append(v).append("; ");
          }
        });
    return sb.toString();
  }
}
