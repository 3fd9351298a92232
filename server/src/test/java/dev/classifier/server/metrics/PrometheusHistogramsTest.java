package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.ops.Scrape;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scrapes {@code /metrics} of a real Netty server over HTTP: the bucketed histograms that add up
 * across replicas, the health gauge and the JVM/process families. Expected values come from what
 * the test sent (requests, images) and from the server's other, independently recorded families.
 */
class PrometheusHistogramsTest {
  private static final String MODEL = "fashion-mnist";
  private static final String M = "model=\"" + MODEL + "\"";
  private static final int REQUESTS = 30;
  private static final int IMAGES_PER_REQUEST = 3;

  @Test
  void histogramsHealthAndJvmFamiliesOnTheRealEndpoint() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(1)).build();
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))).toBuilder()
            .metricsPort(0)
            .build();
    try (ClassifierServer server = new ClassifierServer(config).listen()) {
      Scrape warming = Scrape.of("127.0.0.1", server.metricsPort());
      assertThat(warming.value("classifier_health_serving{service=\"live\"}")).isEqualTo(1);
      assertThat(warming.value("classifier_health_serving{service=\"ready\"}")).isZero();

      server.loadModels();
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        ClassifierGrpc.ClassifierBlockingStub stub = ClassifierGrpc.newBlockingStub(channel);
        Random random = new Random(3);
        for (int i = 0; i < REQUESTS; i++) {
          ClassifyRequest.Builder r = ClassifyRequest.newBuilder();
          for (int j = 0; j < IMAGES_PER_REQUEST; j++) {
            r.addImages(Tensors.randomMnist(random));
          }
          assertThat(
                  stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                      .classify(r.build())
                      .getResultsCount())
              .isEqualTo(IMAGES_PER_REQUEST);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      Scrape s = Scrape.of("127.0.0.1", server.metricsPort());
      assertThat(s.text()).contains("# TYPE classifier_request_duration_seconds histogram");
      assertThat(s.text()).contains("# TYPE classifier_batch_images histogram");

      // request latency: one observation per successful request, all far below 10 s
      Map<Double, Double> latency = buckets(s, "classifier_request_duration_seconds");
      assertThat(s.value("classifier_request_duration_seconds_count{" + M + "}"))
          .isEqualTo(REQUESTS);
      assertThat(latency.get(Double.POSITIVE_INFINITY)).isEqualTo(REQUESTS);
      assertThat(latency.get(10.0)).isEqualTo(REQUESTS);
      assertCumulative(latency);
      assertThat(s.value("classifier_request_duration_seconds_sum{" + M + "}"))
          .isBetween(0.0, REQUESTS * 10.0);

      // queue wait: one observation per image; compute and batch size: one per batch, the same
      // number of batches the summary counted
      int images = REQUESTS * IMAGES_PER_REQUEST;
      assertThat(s.value("classifier_queue_wait_duration_seconds_count{" + M + "}"))
          .isEqualTo(images);
      assertCumulative(buckets(s, "classifier_queue_wait_duration_seconds"));
      double batches = s.value("classifier_batch_size_count{" + M + "}");
      assertThat(s.value("classifier_batch_images_count{" + M + "}")).isEqualTo(batches);
      assertThat(s.value("classifier_compute_duration_seconds_count{" + M + "}"))
          .isEqualTo(batches);
      // the sum of batch sizes is the number of images served
      assertThat(s.value("classifier_batch_images_sum{" + M + "}")).isEqualTo(images);
      Map<Double, Double> sizes = buckets(s, "classifier_batch_images");
      assertCumulative(sizes);
      assertThat(sizes.get(4.0)).as("max batch size 4").isEqualTo(batches);
      assertThat(sizes.get(1.0)).isLessThan(batches);

      // health gauge, from the health service
      assertThat(s.value("classifier_health_serving{service=\"live\"}")).isEqualTo(1);
      assertThat(s.value("classifier_health_serving{service=\"ready\"}")).isEqualTo(1);
      assertThat(s.value("classifier_health_serving{service=\"" + MODEL + "\"}")).isEqualTo(1);

      // JVM and process families
      assertThat(s.value("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
      assertThat(s.value("jvm_threads_current")).isPositive();
      assertThat(s.text()).contains("jvm_buffer_pool_used_bytes{pool=\"direct\"}");
      assertThat(s.hasFamily("jvm_gc_collection_seconds")).isTrue();
      assertThat(s.value("process_cpu_seconds_total")).isPositive();
    }
  }

  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /** Upper bound to cumulative count of the model's series of a histogram family. */
  private static Map<Double, Double> buckets(Scrape s, String family) {
    Map<Double, Double> out = new TreeMap<>();
    for (String line : s.family(family + "_bucket").split("\n")) {
      if (!line.contains(M)) {
        continue;
      }
      Matcher le = LE.matcher(line);
      assertThat(le.find()).as(line).isTrue();
      double bound =
          le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
      out.put(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }
    assertThat(out).as(family).hasSizeGreaterThan(2);
    return out;
  }

  private static void assertCumulative(Map<Double, Double> buckets) {
    List<Double> counts = new ArrayList<>(buckets.values());
    for (int i = 1; i < counts.size(); i++) {
      assertThat(counts.get(i))
          .as("cumulative buckets " + buckets)
          .isGreaterThanOrEqualTo(counts.get(i - 1));
    }
  }
}
