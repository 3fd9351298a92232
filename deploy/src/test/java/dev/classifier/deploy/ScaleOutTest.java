package dev.classifier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.classifier.client.ChannelOptions;
import dev.classifier.client.ClassifierClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on one machine with real processes: three packaged servers on 127.0.0.1, 127.0.0.2 and
 * 127.0.0.3 (one port), each with a short maxConnectionAge. Per-replica request counts come from
 * each replica's own {@code /metrics}. Covers client-side round_robin (Java client and load
 * tester), nginx {@code grpc_pass} and HAProxy (HTTP/2) in front, a real Prometheus scraping all
 * three and evaluating the autoscaler's adapter query and the dashboard's queries, and SIGTERM of
 * one replica under load: no request lost with the documented retry policy, and the replica gets
 * traffic again after it returns (round_robin reconnects; behind an L4 proxy, connection age).
 * Proxy and Prometheus parts skip with a message where the Debian packages are absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutTest {
  private static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

  @TempDir static Path tmp;
  private final List<Replica> replicas = new ArrayList<>();
  private Path config;
  private int port;

  @BeforeAll
  void startReplicas() throws Exception {
    assumeTrue(Files.exists(Repo.jar("server", "classifier-server")), "server jar not built");
    config = tmp.resolve("replica.yaml");
    Files.writeString(
        config,
        """
        server:
          jmx: false
          shutdownGraceSeconds: 5
          connection:
            maxConnectionAgeSeconds: 2
            maxConnectionAgeGraceSeconds: 10
        models:
          - name: fashion-mnist
            engine: {intraOpThreads: 1}
            batching: {maxBatchSize: 8, maxQueueDelayMicros: 500, maxQueueSize: 4096}
        """);
    // The ports are free when chosen, but another process may take one before all three replicas
    // have bound it: start over on new ports when a replica could not bind (three attempts).
    for (int attempt = 1; ; attempt++) {
      port = portFreeOnAll();
      int metricsPort = portFreeOnAll(port);
      for (int i = 0; i < HOSTS.size(); i++) {
        Path log = tmp.resolve("replica-" + i + "-attempt-" + attempt + ".log");
        replicas.add(new Replica(HOSTS.get(i), port, metricsPort, config, log).start());
      }
      try {
        for (Replica r : replicas) {
          r.awaitReady();
        }
        return;
      } catch (RuntimeException e) {
        boolean portTaken = replicas.stream().anyMatch(Replica::couldNotBind);
        stopReplicas();
        replicas.clear();
        if (!portTaken || attempt == 3) {
          throw e;
        }
      }
    }
  }

  @AfterAll
  void stopReplicas() throws Exception {
    for (Replica r : replicas) {
      r.close();
    }
  }

  @Test
  @Order(1)
  void javaClientRoundRobinSpreadsRequestsOverTheReplicas() throws Exception {
    double[] before = counts();
    try (ClassifierClient c =
        ClassifierClient.connect(
            staticTarget(), Duration.ofSeconds(20), ChannelOptions.of("round_robin", 0))) {
      for (int i = 0; i < 300; i++) {
        c.classify(Requests.mnist());
      }
    }
    double[] d = delta(before);
    assertThat(d[0] + d[1] + d[2]).isEqualTo(300);
    for (int i = 0; i < d.length; i++) {
      assertThat(d[i])
          .as("requests on " + HOSTS.get(i) + " of " + List.of(d[0], d[1], d[2]))
          .isGreaterThanOrEqualTo(50);
    }
  }

  @Test
  @Order(2)
  void loadTesterRoundRobinSpreadsLoad() throws Exception {
    double[] before = counts();
    Tools.Result r =
        Tools.run(
            Repo.root(),
            90,
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Repo.jar("loadtest", "classifier-loadtest").toString(),
                "--server",
                staticTarget(),
                "--lb",
                "round_robin",
                "--retry-attempts",
                "2",
                "--scenario",
                "closed",
                "--concurrency",
                "6",
                "--warmup-ms",
                "300",
                "--window-ms",
                "500",
                "--min-windows",
                "2",
                "--max-windows",
                "2",
                "--stability-windows",
                "2",
                "--out",
                tmp.resolve("loadtest").toString()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    double[] d = delta(before);
    for (int i = 0; i < d.length; i++) {
      assertThat(d[i])
          .as("load-test requests on " + HOSTS.get(i) + ": " + r.output())
          .isGreaterThan(10);
    }
  }

  @Test
  @Order(3)
  void nginxGrpcPassBalancesPerRequest() throws Exception {
    assumeTrue(Repo.onPath("nginx"), "nginx is not installed (.ci/run installs Debian's nginx)");
    int front = portFreeOnAll();
    Path dir = Files.createDirectories(tmp.resolve("nginx"));
    StringBuilder upstream = new StringBuilder();
    for (Replica r : replicas) {
      upstream.append("    server ").append(r.address()).append(";\n");
    }
    Files.writeString(
        dir.resolve("nginx.conf"),
        ("user root;\nworker_processes 1;\ndaemon off;\npid %1$s/nginx.pid;\nerror_log %1$s/error.log warn;\n"
                + "events { worker_connections 256; }\n"
                + "http {\n  access_log off;\n  client_body_temp_path %1$s/body;\n  proxy_temp_path %1$s/proxy;\n"
                + "  fastcgi_temp_path %1$s/fastcgi;\n  uwsgi_temp_path %1$s/uwsgi;\n  scgi_temp_path %1$s/scgi;\n"
                + "  upstream classifier {\n%2$s    keepalive 8;\n  }\n"
                + "  server {\n    listen 127.0.0.1:%3$d http2;\n"
                + "    location / { grpc_pass grpc://classifier; }\n  }\n}\n")
            .formatted(dir, upstream, front));
    try (Daemon nginx =
        Daemon.start(
            List.of(
                "nginx",
                "-p",
                dir.toString(),
                "-c",
                dir.resolve("nginx.conf").toString(),
                "-e",
                dir.resolve("error.log").toString()),
            dir.resolve("out.log"),
            "127.0.0.1",
            front)) {
      assertSpreadThrough("127.0.0.1:" + front, 90);
    }
  }

  @Test
  @Order(4)
  void haproxyHttp2BalancesPerRequest() throws Exception {
    assumeTrue(
        Repo.onPath("haproxy"), "haproxy is not installed (.ci/run installs Debian's haproxy)");
    int front = portFreeOnAll();
    try (Daemon haproxy = haproxy("http", front)) {
      assertSpreadThrough("127.0.0.1:" + front, 90);
    }
  }

  @Test
  @Order(5)
  void prometheusScrapesEveryReplicaAndEvaluatesTheAutoscalerQuery() throws Exception {
    assumeTrue(
        Repo.onPath("prometheus"),
        "prometheus is not installed (.ci/run installs Debian's prometheus)");
    int web = portFreeOnAll();
    Path dir = Files.createDirectories(tmp.resolve("prometheus"));
    StringBuilder targets = new StringBuilder();
    for (Replica r : replicas) {
      targets
          .append(targets.isEmpty() ? "" : ", ")
          .append('"')
          .append(r.host)
          .append(':')
          .append(r.metricsPort)
          .append('"');
    }
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: classifier
            static_configs: [{targets: [%s]}]
        """
            .formatted(targets));
    AtomicBoolean loading = new AtomicBoolean(true);
    ExecutorService load = Executors.newSingleThreadExecutor();
    try (Daemon prometheus =
            Daemon.start(
                List.of(
                    "prometheus",
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + web),
                dir.resolve("out.log"),
                "127.0.0.1",
                web);
        ClassifierClient c =
            ClassifierClient.connect(
                staticTarget(), Duration.ofSeconds(20), ChannelOptions.of("round_robin", 2))) {
      Future<?> background =
          load.submit(
              () -> {
                for (int i = 0; i < 20_000 && loading.get(); i++) {
                  c.classify(Requests.mnist());
                }
                return null;
              });
      String api = "http://127.0.0.1:" + web;
      Awaitility.await("3 targets up")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  query(api, "sum(up{job=\"classifier\"})")
                      .path(0)
                      .path("value")
                      .path(1)
                      .asText()
                      .equals("3"));

      // the Prometheus adapter's rules, instantiated for one job, grouped per replica
      JsonNode rules =
          new YAMLMapper()
              .readTree(Repo.read("deploy/k8s/prometheus-adapter/rules.yaml"))
              .get("rules");
      for (JsonNode rule : rules) {
        String q =
            rule.get("metricsQuery")
                .asText()
                .replace("<<.LabelMatchers>>", "job=\"classifier\"")
                .replace("<<.GroupBy>>", "instance");
        Awaitility.await("adapter query " + rule.get("name").get("as").asText() + " for 3 replicas")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> query(api, q).size() == 3);
        String metric = rule.get("name").get("as").asText();
        for (JsonNode series : query(api, q)) {
          double v = Double.parseDouble(series.get("value").get(1).asText());
          if (metric.equals("classifier_queue_depth_images")) {
            // the only load is the background client above, one call at a time: at most that one
            // image is queued on a replica at a scrape (a stuck gauge would read more, or stay up)
            assertThat(v).as(q + " " + series).isIn(0.0, 1.0);
          } else {
            assertThat(v).as(q + " " + series).isGreaterThanOrEqualTo(0).isLessThan(60);
          }
        }
      }
      // every dashboard query is valid PromQL for this Prometheus
      JsonNode dashboard =
          new ObjectMapper().readTree(Repo.read("deploy/grafana/dashboards/classifier.json"));
      for (JsonNode panel : dashboard.get("panels")) {
        for (JsonNode target : panel.path("targets")) {
          String q =
              target
                  .get("expr")
                  .asText()
                  .replace("$__rate_interval", "1m")
                  .replace("$model", ".*")
                  .replace("$instance", ".*");
          query(api, q); // throws on an error status
        }
      }
      loading.set(false);
      background.get(30, TimeUnit.SECONDS);
      // with the load over, a later scrape reads exactly 0 queued on every replica
      String depth =
          "sum(classifier_queue_depth{job=\"classifier\",priority=\"all\"}) by (instance)";
      Awaitility.await("queue depth back to 0 on 3 replicas")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                JsonNode r = query(api, depth);
                if (r.size() != 3) {
                  return false;
                }
                for (JsonNode series : r) {
                  if (Double.parseDouble(series.get("value").get(1).asText()) != 0.0) {
                    return false;
                  }
                }
                return true;
              });
    } finally {
      loading.set(false);
      load.shutdownNow();
    }
  }

  @Test
  @Order(6)
  void sigtermOfOneReplicaLosesNoRequestAndItGetsTrafficAgainAfterItReturns() throws Exception {
    int perWorker = 200;
    int workers = 3;
    Map<Status.Code, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    Replica victim = replicas.get(2);
    boolean l4 = Repo.onPath("haproxy");
    int l4Port = portFreeOnAll();
    try (ClassifierClient rr =
            ClassifierClient.connect(
                staticTarget(), Duration.ofSeconds(30), ChannelOptions.of("round_robin", 3));
        Daemon tcpProxy = l4 ? haproxy("tcp", l4Port) : null;
        ClassifierClient behindL4 =
            l4
                ? ClassifierClient.connect(
                    "127.0.0.1:" + l4Port,
                    Duration.ofSeconds(30),
                    ChannelOptions.of("pick_first", 3))
                : null) {
      if (behindL4 != null) {
        behindL4.classify(Requests.mnist()); // a long-lived connection through the L4 proxy
      }
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perWorker; i++) {
                    Status.Code code = Status.Code.OK;
                    try {
                      rr.classify(Requests.mnist());
                    } catch (StatusRuntimeException e) {
                      code = e.getStatus().getCode();
                    }
                    outcomes.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                    done.incrementAndGet();
                  }
                  return null;
                }));
      }
      Awaitility.await("a third of the requests answered")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> done.get() >= perWorker * workers / 3);
      int atStop = done.get();
      // the JVM exits 143 (128 + SIGTERM) after its shutdown hook has drained the server
      assertThat(victim.terminate()).as("exit code after SIGTERM drain").isIn(0, 143);
      for (Future<?> f : futures) {
        f.get(90, TimeUnit.SECONDS);
      }
      assertThat(atStop).as("stopped mid-run").isLessThan(perWorker * workers);
      assertThat(outcomes.keySet()).as("outcomes " + outcomes).containsOnly(Status.Code.OK);
      assertThat(outcomes.get(Status.Code.OK)).hasValue(perWorker * workers);

      // the replica returns (same address): round_robin reconnects to it, and a client behind an
      // L4 proxy reaches it once maxConnectionAge has recycled its connection
      victim.start().awaitReady();
      Awaitility.await("round_robin sends to the returned replica")
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                rr.classify(Requests.mnist());
                return victim.requests() > 0;
              });
      if (behindL4 != null) {
        double before = victim.requests();
        Awaitility.await("the L4-proxied long-lived client reaches the returned replica")
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(1))
            .until(
                () -> {
                  behindL4.classify(Requests.mnist());
                  return victim.requests() > before;
                });
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private Daemon haproxy(String mode, int front) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("haproxy-" + mode));
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < replicas.size(); i++) {
      servers
          .append("  server s")
          .append(i)
          .append(' ')
          .append(replicas.get(i).address())
          .append(mode.equals("http") ? " proto h2" : "")
          .append(" check inter 500ms fall 1 rise 1\n");
    }
    Files.writeString(
        dir.resolve("haproxy.cfg"),
        ("global\n  maxconn 256\ndefaults\n  mode %1$s\n  timeout connect 2s\n  timeout client 60s\n"
                + "  timeout server 60s\n  retries 3\n  option redispatch\n"
                + "frontend fe\n  bind 127.0.0.1:%2$d%3$s\n  default_backend be\n"
                + "backend be\n  balance roundrobin\n%4$s")
            .formatted(mode, front, mode.equals("http") ? " proto h2" : "", servers));
    return Daemon.start(
        List.of("haproxy", "-db", "-f", dir.resolve("haproxy.cfg").toString()),
        dir.resolve("out.log"),
        "127.0.0.1",
        front);
  }

  /** Sends {@code n} requests over one pick_first channel to a proxy; every replica gets some. */
  private void assertSpreadThrough(String proxy, int n) throws Exception {
    double[] before = counts();
    int ok = 0;
    try (ClassifierClient c =
        ClassifierClient.connect(proxy, Duration.ofSeconds(20), ChannelOptions.defaults())) {
      for (int i = 0; i < n; i++) {
        c.classify(Requests.mnist());
        ok++;
      }
    }
    double[] d = delta(before);
    assertThat(ok).isEqualTo(n);
    assertThat(d[0] + d[1] + d[2]).isEqualTo(n);
    for (int i = 0; i < d.length; i++) {
      assertThat(d[i])
          .as(
              "requests through "
                  + proxy
                  + " on "
                  + HOSTS.get(i)
                  + ": "
                  + List.of(d[0], d[1], d[2]))
          .isPositive();
    }
  }

  private static JsonNode query(String api, String promql)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            api
                                + "/api/v1/query?query="
                                + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode body = new ObjectMapper().readTree(r.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new AssertionError("query failed: " + promql + " -> " + r.body());
    }
    return body.path("data").path("result");
  }

  private String staticTarget() {
    StringBuilder sb = new StringBuilder("static:///");
    for (Replica r : replicas) {
      sb.append(sb.length() > "static:///".length() ? "," : "").append(r.address());
    }
    return sb.toString();
  }

  private double[] counts() throws Exception {
    double[] c = new double[replicas.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = replicas.get(i).requests();
    }
    return c;
  }

  private double[] delta(double[] before) throws Exception {
    double[] now = counts();
    for (int i = 0; i < now.length; i++) {
      now[i] -= before[i];
    }
    return now;
  }

  /** A port that is free on all three loopback addresses. */
  private static int portFreeOnAll() throws IOException {
    return portFreeOnAll(-1);
  }

  /** A port other than {@code except} that is free on all three loopback addresses. */
  private static int portFreeOnAll(int except) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int candidate;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOSTS.get(0)))) {
        candidate = s.getLocalPort();
      }
      boolean free = candidate != except;
      for (String h : HOSTS) {
        try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getByName(h))) {
          // bindable
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return candidate;
      }
    }
    throw new IOException("no port free on " + HOSTS);
  }
}
