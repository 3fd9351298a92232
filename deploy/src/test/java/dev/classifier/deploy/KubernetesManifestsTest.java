package dev.classifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.classifier.server.config.ConfigReader;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.health.ServingHealth;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each Kustomize overlay with the real {@code kubectl kustomize}, parses every object into
 * fabric8's typed Kubernetes model and checks the wiring that a typo would break: probe ports =
 * container ports = Service target ports = the ports in the server's own configuration (read by the
 * server's {@link ConfigReader}), probe service names = the server's health names, the config file
 * path the container passes = the ConfigMap mount and key, grace periods, image names = the
 * build's, HPA metrics = the Prometheus adapter's rules, selectors = pod labels.
 */
class KubernetesManifestsTest {
  private static final String APP = "app.kubernetes.io/name";

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void overlayRendersAndIsWiredTogether(String overlay) throws Exception {
    assumeTrue(Repo.onPath("kubectl"), "kubectl is not installed: Kustomize rendering not checked");
    Tools.Result r =
        Tools.run(
            Repo.path("deploy/k8s"), 60, List.of("kubectl", "kustomize", "overlays/" + overlay));
    assertThat(r.exitCode()).as(r.output()).isZero();
    Manifests m = Manifests.parse(r.output());

    Deployment d = m.get(Deployment.class, "classifier");
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    Container c = pod.getContainers().get(0);

    // the configuration the server will read: parsed by the server's own reader
    ConfigMap cm = m.only(ConfigMap.class);
    VolumeMount configMount = mount(c, "config");
    Volume configVolume = volume(pod, "config");
    assertThat(configVolume.getConfigMap().getName()).isEqualTo(cm.getMetadata().getName());
    int configArg = c.getArgs().indexOf("--config");
    assertThat(configArg).as("args " + c.getArgs()).isNotNegative();
    Path configPath = Path.of(c.getArgs().get(configArg + 1));
    assertThat(configPath.getParent()).isEqualTo(Path.of(configMount.getMountPath()));
    String yaml = cm.getData().get(configPath.getFileName().toString());
    assertThat(yaml).as("ConfigMap key " + configPath.getFileName()).isNotNull();
    ServerConfig config = ConfigReader.fromYaml(yaml, Path.of("/etc/classifier"));
    assertThat(config.host()).as("must listen beyond loopback in a pod").isEqualTo("0.0.0.0");
    // behind the regular Service (L4), connection age is what re-spreads long-lived clients
    assertThat(config.connection().maxConnectionAge()).isNotNull().isPositive();

    // ports: config = container = probes = Services = NetworkPolicy
    int grpc = port(c, "grpc");
    int metrics = port(c, "metrics");
    assertThat(grpc).isEqualTo(config.port());
    assertThat(metrics).isEqualTo(config.metricsPort());
    for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
      assertThat(p.getGrpc()).as("native gRPC probe").isNotNull();
      assertThat(p.getGrpc().getPort()).isEqualTo(grpc);
    }
    assertThat(c.getLivenessProbe().getGrpc().getService()).isEqualTo(ServingHealth.LIVENESS);
    assertThat(c.getStartupProbe().getGrpc().getService()).isEqualTo(ServingHealth.LIVENESS);
    assertThat(c.getReadinessProbe().getGrpc().getService()).isEqualTo(ServingHealth.READINESS);
    Service regular = m.get(Service.class, "classifier");
    Service headless = m.get(Service.class, "classifier-headless");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(regular.getSpec().getClusterIP()).isNull();
    for (Service s : List.of(regular, headless)) {
      assertThat(s.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
      ServicePort sp = servicePort(s, "grpc");
      assertThat(targetPort(c, sp)).isEqualTo(grpc);
    }
    assertThat(targetPort(c, servicePort(regular, "metrics"))).isEqualTo(metrics);
    NetworkPolicy np = m.only(NetworkPolicy.class);
    Set<Integer> allowed =
        np.getSpec().getIngress().stream()
            .flatMap(i -> i.getPorts().stream())
            .map(NetworkPolicyPort::getPort)
            .map(p -> p.getIntVal())
            .collect(Collectors.toSet());
    assertThat(allowed).containsExactlyInAnyOrder(grpc, metrics);
    assertThat(podLabels).containsAllEntriesOf(np.getSpec().getPodSelector().getMatchLabels());
    String scrapePort =
        d.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port");
    assertThat(scrapePort).isEqualTo(Integer.toString(metrics));

    // shutdown: the pod is killed only after preStop and the server's drain grace
    long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
    assertThat(pod.getTerminationGracePeriodSeconds())
        .isGreaterThan(preStop + config.shutdownGrace().toSeconds());

    // read-only root filesystem, non-root, writable /tmp for ONNX Runtime's native libraries
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(volume(pod, mount(c, "tmp").getName()).getEmptyDir()).isNotNull();
    assertThat(mount(c, "tmp").getMountPath()).isEqualTo("/tmp");
    assertThat(mount(c, "models").getMountPath()).isEqualTo("/models");

    // resources: requests and limits on CPU and memory; the GPU overlay asks for one GPU and
    // serves from it
    Map<String, Quantity> limits = c.getResources().getLimits();
    assertThat(limits).containsKeys("cpu", "memory");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    String tag = Repo.version() + (overlay.equals("gpu") ? "-gpu" : "");
    assertThat(c.getImage()).isEqualTo(DockerImages.NAME + ":" + tag);
    List<String> devices = new ArrayList<>();
    List<String> providers = new ArrayList<>();
    for (ModelConfig mc : config.models()) {
      devices.addAll(mc.devices());
      providers.addAll(mc.engine().providers());
    }
    if (overlay.equals("gpu")) {
      assertThat(limits.get("nvidia.com/gpu")).isEqualTo(new Quantity("1"));
      assertThat(devices).allMatch(dev -> dev.startsWith("gpu:"));
      assertThat(providers).contains("cuda");
    } else {
      assertThat(limits).doesNotContainKey("nvidia.com/gpu");
      assertThat(devices).containsOnly("cpu");
    }

    // PodDisruptionBudget and HPA target this Deployment; HPA metrics are the adapter's
    PodDisruptionBudget pdb = m.only(PodDisruptionBudget.class);
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    HorizontalPodAutoscaler hpa = m.only(HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("classifier");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
    Set<String> adapterMetrics = adapterMetricNames();
    List<String> hpaMetrics =
        hpa.getSpec().getMetrics().stream()
            .map(MetricSpec::getPods)
            .map(p -> p.getMetric().getName())
            .toList();
    assertThat(hpaMetrics).isNotEmpty();
    assertThat(adapterMetrics).containsAll(hpaMetrics);

    // ServiceMonitor (custom resource) scrapes the Service's metrics port
    GenericKubernetesResource sm =
        m.all().stream()
            .filter(o -> o.getKind().equals("ServiceMonitor"))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) sm.get("spec", "endpoints");
    assertThat(endpoints).extracting(e -> e.get("port")).containsExactly("metrics");
    @SuppressWarnings("unchecked")
    Map<String, String> smSelector =
        (Map<String, String>) sm.get("spec", "selector", "matchLabels");
    assertThat(regular.getMetadata().getLabels()).containsAllEntriesOf(smSelector);
    assertThat(podLabels.get(APP)).isEqualTo("classifier");
  }

  private static Set<String> adapterMetricNames() throws Exception {
    JsonNode rules =
        new YAMLMapper().readTree(Repo.read("deploy/k8s/prometheus-adapter/rules.yaml"));
    Set<String> names = new java.util.TreeSet<>();
    for (JsonNode rule : rules.get("rules")) {
      names.add(rule.get("name").get("as").asText());
    }
    return names;
  }

  private static int port(Container c, String name) {
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port " + name));
  }

  private static ServicePort servicePort(Service s, String name) {
    return s.getSpec().getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(s.getMetadata().getName() + " has no port " + name));
  }

  /** The container port a Service port's targetPort (number or name) reaches. */
  private static int targetPort(Container c, ServicePort sp) {
    var t = sp.getTargetPort();
    return t.getStrVal() != null ? port(c, t.getStrVal()) : t.getIntVal();
  }

  private static VolumeMount mount(Container c, String name) {
    return c.getVolumeMounts().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume mount " + name));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }
}
