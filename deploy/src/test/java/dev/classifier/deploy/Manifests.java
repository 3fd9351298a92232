package dev.classifier.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The objects of a rendered Kustomize overlay, each parsed into its typed fabric8 model ({@code
 * Deployment}, {@code Service}, ...; custom resources such as the ServiceMonitor become {@link
 * GenericKubernetesResource}).
 */
final class Manifests {
  private static final ObjectMapper YAML = new YAMLMapper();

  /** apiVersion/kind to its typed model; anything else (custom resources) is generic. */
  private static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.of(
          "v1/ConfigMap", ConfigMap.class,
          "v1/Service", Service.class,
          "apps/v1/Deployment", Deployment.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
          "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
          "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

  private final List<HasMetadata> objects;

  private Manifests(List<HasMetadata> objects) {
    this.objects = List.copyOf(objects);
  }

  static Manifests parse(String multiDocumentYaml) throws IOException {
    List<HasMetadata> out = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(multiDocumentYaml)) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc == null || doc.isEmpty()) {
          continue;
        }
        String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        out.add(YAML.treeToValue(doc, TYPES.getOrDefault(type, GenericKubernetesResource.class)));
      }
    }
    return new Manifests(out);
  }

  List<HasMetadata> all() {
    return objects;
  }

  /** The one object of a type and name; fails if absent. */
  <T extends HasMetadata> T get(Class<T> type, String name) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + kinds()));
  }

  /** The only object of a type; fails unless there is exactly one. */
  <T extends HasMetadata> T only(Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", got " + kinds());
    }
    return found.get(0);
  }

  List<String> kinds() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }
}
