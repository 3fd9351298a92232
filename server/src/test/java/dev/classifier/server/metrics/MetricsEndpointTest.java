package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.Accounting;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.ops.Scrape;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scrapes {@code /metrics} over real HTTP while a real Netty server with the embedded model is
 * under concurrent load, and checks the families the load-test harness relies on.
 */
class MetricsEndpointTest {
  private static final String MODEL = "fashion-mnist";
  private static final int REQUESTS = 400;
  private static final int INVALID = 7;

  @Test
  void exposesBatchingQueueRejectAndLatencyFamiliesWithPlausibleValues() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(16)
            .maxQueueDelay(Duration.ofMillis(2))
            .maxQueueSize(64)
            .build();
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))).toBuilder()
            .metricsPort(0)
            .build();
    try (ClassifierServer server = new ClassifierServer(config).start()) {
      assertThat(server.describe())
          .contains("metrics on http://127.0.0.1:" + server.metricsPort() + "/metrics");
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        ClassifierGrpc.ClassifierStub stub = ClassifierGrpc.newStub(channel);
        Map<Status.Code, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(REQUESTS + INVALID);
        Random random = new Random(1);
        Scrape during = null;
        long sendNanos = System.nanoTime(); // every server-side time below lies inside the burst
        for (int i = 0; i < REQUESTS; i++) {
          stub.classify(
              ClassifyRequest.newBuilder().addImages(Tensors.randomMnist(random)).build(),
              counting(outcomes, done));
          if (i == REQUESTS / 2) {
            during = Scrape.of("127.0.0.1", server.metricsPort());
          }
        }
        ImageInput wrongShape = Tensors.image(Tensors.float32(new float[3], 3));
        for (int i = 0; i < INVALID; i++) {
          stub.classify(
              ClassifyRequest.newBuilder().addImages(wrongShape).build(), counting(outcomes, done));
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        double burstSeconds = (System.nanoTime() - sendNanos) / 1e9;
        assertThat(during.hasFamily("classifier_batch_size")).isTrue();

        Scrape s = Scrape.of("127.0.0.1", server.metricsPort());
        String m = "model=\"" + MODEL + "\"";
        int ok = outcomes.getOrDefault(Status.Code.OK, new AtomicInteger()).get();
        int full = outcomes.getOrDefault(Status.Code.RESOURCE_EXHAUSTED, new AtomicInteger()).get();
        assertThat(ok + full).isEqualTo(REQUESTS);
        assertThat(outcomes.get(Status.Code.INVALID_ARGUMENT)).hasValue(INVALID);

        // batching: a burst of 400 requests with a 2 ms delay forms batches larger than one, so
        // the ok images ran in at least ok / maxBatchSize batches and at most ok - 1
        double batches = s.value("classifier_batch_size_count{" + m + "}");
        assertThat(batches).isBetween(Math.ceil(ok / 16.0), ok - 1.0);
        assertThat(s.value("classifier_batch_size{" + m + ",quantile=\"0.99\"}"))
            .as(s.family("classifier_batch_size"))
            .isGreaterThan(1)
            .isLessThanOrEqualTo(16);
        assertThat(s.value("classifier_images_total{" + m + "}")).isEqualTo(ok);
        assertThat(s.value("classifier_requests_total{" + m + "}")).isEqualTo(REQUESTS + INVALID);
        double closes = 0;
        for (String reason :
            List.of(
                "full", "preferred_size", "delay_elapsed", "deadline", "immediate", "draining")) {
          closes += s.value("classifier_batch_close_total{" + m + ",reason=\"" + reason + "\"}");
        }
        assertThat(closes).isEqualTo(s.value("classifier_batch_size_count{" + m + "}"));

        // queue: gauges present and empty after the load
        assertThat(s.value("classifier_queue_depth{" + m + ",priority=\"all\"}")).isZero();
        assertThat(s.value("classifier_queue_depth{" + m + ",priority=\"0\"}")).isZero();
        assertThat(s.value("classifier_queue_bytes{" + m + ",priority=\"0\"}")).isZero();
        // during the burst: bounded by maxQueueSize (the two gauges are read at different times)
        assertThat(during.value("classifier_queue_depth{" + m + ",priority=\"0\"}"))
            .isLessThanOrEqualTo(64);
        assertThat(during.value("classifier_queue_depth{" + m + ",priority=\"all\"}"))
            .isLessThanOrEqualTo(64);
        assertThat(s.value("classifier_queue_bytes{" + m + ",priority=\"all\"}")).isZero();

        // rejects by reason
        assertThat(s.value("classifier_rejected_total{" + m + ",reason=\"invalid\"}"))
            .isEqualTo(INVALID);
        assertThat(s.value("classifier_rejected_total{" + m + ",reason=\"queue_full\"}"))
            .isEqualTo(full);
        assertThat(s.value("classifier_rejected_total{" + m + ",reason=\"draining\"}")).isZero();

        // latency timers, in seconds: one queue wait and one latency per image answered OK, one
        // compute time per batch; every sample lies inside the burst the client timed
        assertThat(s.value("classifier_queue_wait_seconds_count{" + m + "}"))
            .as(s.family("classifier_queue_wait_seconds") + s.family("classifier_batch_size"))
            .isEqualTo(ok);
        assertThat(s.value("classifier_latency_seconds_count{" + m + "}"))
            .as(s.family("classifier_latency_seconds"))
            .isEqualTo(ok);
        assertThat(s.value("classifier_compute_seconds_count{" + m + "}"))
            .as(s.family("classifier_compute_seconds"))
            .isEqualTo(batches);
        assertThat(s.value("classifier_queue_wait_seconds{" + m + ",quantile=\"0.5\"}"))
            .isBetween(0.0, burstSeconds);
        for (String timer : List.of("classifier_compute_seconds", "classifier_latency_seconds")) {
          assertThat(s.value(timer + "{" + m + ",quantile=\"0.5\"}"))
              .as(timer)
              .isGreaterThan(0.0)
              .isLessThanOrEqualTo(burstSeconds);
        }
        assertThat(s.value("classifier_compute_seconds{" + m + ",quantile=\"0.99\"}"))
            .isGreaterThanOrEqualTo(
                s.value("classifier_compute_seconds{" + m + ",quantile=\"0.5\"}"))
            .isLessThanOrEqualTo(burstSeconds);
        assertThat(
                s.value("classifier_instance_busy_ratio{device=\"cpu\",instance=\"0\"," + m + "}"))
            .isBetween(0.0, 1.0);

        // gRPC per method and code
        assertThat(
                s.value(
                    "classifier_grpc_requests_total{code=\"OK\",method=\"Classifier/Classify\",protocol=\"classifier\"}"))
            .isEqualTo(ok);
        assertThat(
                s.value(
                    "classifier_grpc_requests_total{code=\"INVALID_ARGUMENT\",method=\"Classifier/Classify\",protocol=\"classifier\"}"))
            .isEqualTo(INVALID);
        Accounting.settled(server).assertBalanced();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static StreamObserver<ClassifyResponse> counting(
      Map<Status.Code, AtomicInteger> outcomes, CountDownLatch done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ClassifyResponse value) {}

      @Override
      public void onError(Throwable t) {
        outcomes
            .computeIfAbsent(Status.fromThrowable(t).getCode(), c -> new AtomicInteger())
            .incrementAndGet();
        done.countDown();
      }

      @Override
      public void onCompleted() {
        outcomes.computeIfAbsent(Status.Code.OK, c -> new AtomicInteger()).incrementAndGet();
        done.countDown();
      }
    };
  }
}
