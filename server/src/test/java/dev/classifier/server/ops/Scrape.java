package dev.classifier.server.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Scrapes a Prometheus text endpoint over real HTTP and looks series up. */
public final class Scrape {
  private final String text;
  private final Map<String, Double> series = new LinkedHashMap<>();

  private Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  public static Scrape of(String host, int port) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET /metrics answered " + r.statusCode());
    }
    return new Scrape(r.body());
  }

  /** Every series, keyed as exposed (name and labels). */
  public Map<String, Double> series() {
    return java.util.Collections.unmodifiableMap(series);
  }

  public String text() {
    return text;
  }

  /** The value of a series given exactly as exposed, e.g. {@code a_total{model="m"}}. */
  public double value(String seriesName) {
    Double v = series.get(seriesName);
    if (v == null) {
      throw new AssertionError(
          "no series " + seriesName + " in:\n" + family(seriesName.replaceAll("\\{.*", "")));
    }
    return v;
  }

  /** The series of one family (prefix match on the name), for messages. */
  public String family(String name) {
    return series.entrySet().stream()
        .filter(e -> e.getKey().startsWith(name))
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining("\n"));
  }

  /** Whether the family is declared ({@code # TYPE name ...}). */
  public boolean hasFamily(String name) {
    return text.contains("# TYPE " + name + " ");
  }
}
