package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Per-model figures of stream items go to the model each item asked for, also for error answers
 * (which name no model) and for items naming none (the default model).
 */
class StreamItemMetricsTest {
  private static final String DEFAULT = "fashion-mnist";
  private static final String OTHER = "probs";
  private static final int GOOD = 10;
  private static final int INVALID = 5;

  @Test
  void itemsAreCountedAgainstTheModelTheyNamed() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().build();
    ServerConfig config =
        ServerConfig.of(
            0,
            List.of(
                TestModels.embedded(policy, 1),
                TestModels.fixtureModel("probabilities.onnx", policy, 1).withName(OTHER)));
    try (ClassifierServer server = new ClassifierServer(config).start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        AtomicInteger answers = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ClassifyStreamRequest> stream =
            ClassifierGrpc.newStub(channel)
                .classifyStream(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(ClassifyStreamResponse r) {
                        answers.incrementAndGet();
                      }

                      @Override
                      public void onError(Throwable t) {
                        done.completeExceptionally(t);
                      }

                      @Override
                      public void onCompleted() {
                        done.complete(null);
                      }
                    });
        Random random = new Random(5);
        ImageInput wrongShape = Tensors.image(Tensors.float32(new float[3], 3));
        int id = 0;
        for (int i = 0; i < GOOD; i++) {
          stream.onNext(item(id++, OTHER, Tensors.randomMnist(random)));
        }
        for (int i = 0; i < INVALID; i++) {
          stream.onNext(item(id++, OTHER, wrongShape));
        }
        stream.onNext(item(id++, "", Tensors.randomMnist(random)));
        stream.onCompleted();
        done.get(30, TimeUnit.SECONDS);
        assertThat(answers).hasValue(id);

        MetricRegistry metrics = server.metrics();
        assertThat(invalid(metrics, OTHER)).isEqualTo(INVALID);
        assertThat(invalid(metrics, DEFAULT)).isZero();
        assertThat(metrics.timer(MetricNames.model(OTHER, "latency")).getCount()).isEqualTo(GOOD);
        assertThat(metrics.timer(MetricNames.model(DEFAULT, "latency")).getCount()).isEqualTo(1);
        assertThat(metrics.meter(MetricNames.model(OTHER, "requests")).getCount())
            .isEqualTo(GOOD + INVALID);
        assertThat(metrics.meter(MetricNames.model(DEFAULT, "requests")).getCount()).isEqualTo(1);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ClassifyStreamRequest item(int id, String model, ImageInput image) {
    return ClassifyStreamRequest.newBuilder()
        .setRequestId("i" + id)
        .setModel(model)
        .setImage(image)
        .build();
  }

  private static long invalid(MetricRegistry metrics, String model) {
    return BatcherMetrics.rejectCounter(metrics, model, BatcherMetrics.INVALID).getCount();
  }
}
