package dev.classifier.loadtest.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Fetches a /metrics page; a failed fetch is reported as null so a run goes on without it. */
public final class MetricsScraper {
  private final URI url;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile String lastError;

  public MetricsScraper(String url) {
    this.url = URI.create(url);
  }

  /** The parsed page, or null (see {@link #lastError()}). */
  public PrometheusText.Exposition scrape() throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        lastError = url + " answered HTTP " + r.statusCode();
        return null;
      }
      return PrometheusText.parse(r.body());
    } catch (IOException | IllegalArgumentException e) {
      lastError = url + ": " + e;
      return null;
    }
  }

  public String lastError() {
    return lastError;
  }
}
