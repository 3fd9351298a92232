package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import dev.classifier.batching.Instance;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code classifier_instance_provider{model,device,instance,provider}}: 1 for the execution
 * provider each model instance really runs on, read from the model's current version at each
 * scrape, so a reload that changes the provider turns the old series to 0. (Not {@code _info}: the
 * Prometheus client reserves that suffix for its Info type and strips it from gauges.)
 */
public final class ProviderGauges {
  private ProviderGauges() {}

  /**
   * Registers a gauge per instance and provider (idempotent).
   *
   * @param providers each instance of the model version just loaded and its provider
   * @param current the provider an instance runs on now (null when it no longer exists)
   */
  public static void register(
      MetricRegistry registry,
      String model,
      Map<Instance, String> providers,
      Function<Instance, String> current) {
    providers.forEach(
        (instance, provider) ->
            registry.gauge(
                MetricNames.instanceProvider(model, instance, provider),
                () -> () -> Objects.equals(current.apply(instance), provider) ? 1 : 0));
  }
}
