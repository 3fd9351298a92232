package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Ticker;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.core.ImageDecoding;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.core.InferenceOutcome;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever throws on the way (an {@link Error} in decode, an exception while rendering the answer),
 * a unary call gets exactly one INTERNAL and a stream item one ItemError, after which the stream
 * goes on and its window credit is returned.
 */
class AnsweredOnceTest {
  private static final BatchPolicy POLICY =
      BatchPolicy.builder().maxBatchSize(8).maxQueueSize(256).build();
  private static final ImageInput PNG =
      ImageInput.newBuilder().setEncoded(ByteString.copyFrom(png(28, 28))).build();

  /** A real PNG, so it passes the header checks and reaches the (faulty) decoder. */
  static byte[] png(int width, int height) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(
          new java.awt.image.BufferedImage(
              width, height, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
          "png",
          out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ServedModel model;
  private static ExecutorService pool;

  @BeforeAll
  static void load() throws Exception {
    model = TestModels.load(TestModels.embedded(POLICY, 1));
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void close() {
    pool.shutdownNow();
    model.close();
  }

  private static final class Harness implements AutoCloseable {
    final ClassifierService service;
    final Server server;
    final ManagedChannel channel;

    Harness(ImageDecoding.Decoder decoder, ResponseRendering rendering) throws Exception {
      ImageDecoding decoding = new ImageDecoding(pool, 16, 1_000_000, decoder);
      InferenceCore core =
          new InferenceCore(
              new ModelRegistry(List.of(model), null), decoding, Ticker.system(), Duration.ZERO);
      service = new ClassifierService(core, 4, rendering);
      String name = InProcessServerBuilder.generateName();
      server =
          InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
      channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    ClassifyResponse classify(ClassifyRequest r) {
      return ClassifierGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .classify(r);
    }

    /** Sends the items, half-closes and returns the answers by id once the stream completed. */
    Map<String, ClassifyStreamResponse> stream(List<ClassifyStreamRequest> items) throws Exception {
      Map<String, ClassifyStreamResponse> answers = new ConcurrentHashMap<>();
      AtomicInteger duplicates = new AtomicInteger();
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<ClassifyStreamRequest> requests =
          ClassifierGrpc.newStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .classifyStream(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ClassifyStreamResponse r) {
                      if (answers.put(r.getRequestId(), r) != null) {
                        duplicates.incrementAndGet();
                      }
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
      items.forEach(requests::onNext);
      requests.onCompleted();
      done.get(30, TimeUnit.SECONDS);
      assertThat(duplicates).hasValue(0);
      return answers;
    }

    @Override
    public void close() throws Exception {
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ImageInput tensor() {
    return Tensors.randomMnist(new Random(3));
  }

  private static ClassifyStreamRequest item(String id, ImageInput image) {
    return ClassifyStreamRequest.newBuilder().setRequestId(id).setImage(image).build();
  }

  @Test
  void anErrorThrownInDecodeAnswersUnaryInternalOnce() throws Exception {
    try (Harness h =
        new Harness(
            bytes -> {
              throw new StackOverflowError("decoder blew its stack");
            },
            new ResponseRendering())) {
      assertThatThrownBy(() -> h.classify(ClassifyRequest.newBuilder().addImages(PNG).build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.getStatus().getDescription()).contains("StackOverflowError");
              });
      // the stage released its slot: the next call is served
      assertThat(
              h.classify(ClassifyRequest.newBuilder().addImages(tensor()).build())
                  .getResultsCount())
          .isEqualTo(1);
      assertThat(h.service.decoding().pendingImages()).isZero();
    }
  }

  @Test
  void anErrorThrownInDecodeBecomesAnItemErrorAndTheStreamGoesOn() throws Exception {
    try (Harness h =
        new Harness(
            bytes -> {
              throw new OutOfMemoryError("simulated");
            },
            new ResponseRendering())) {
      // 6 items through a window of 4: the stream only finishes if every failed item returned
      // its credit
      List<ClassifyStreamRequest> items =
          List.of(
              item("bad1", PNG),
              item("bad2", PNG),
              item("bad3", PNG),
              item("bad4", PNG),
              item("good1", tensor()),
              item("good2", tensor()));
      Map<String, ClassifyStreamResponse> answers = h.stream(items);
      assertThat(answers).hasSize(6);
      for (String bad : List.of("bad1", "bad2", "bad3", "bad4")) {
        assertThat(answers.get(bad).getError().getCode()).isEqualTo(Status.Code.INTERNAL.value());
        assertThat(answers.get(bad).getError().getMessage()).contains("OutOfMemoryError");
      }
      assertThat(answers.get("good1").hasResult()).isTrue();
      assertThat(answers.get("good2").hasResult()).isTrue();
      assertThat(h.service.streamStats().streamsOpen()).isZero();
    }
  }

  @Test
  void anExceptionWhileRenderingAnswersUnaryInternalOnce() throws Exception {
    ResponseRendering broken =
        new ResponseRendering() {
          @Override
          ClassifyResponse unary(InferenceOutcome outcome) {
            throw new IllegalStateException("renderer bug");
          }
        };
    try (Harness h = new Harness(bytes -> null, broken)) {
      assertThatThrownBy(() -> h.classify(ClassifyRequest.newBuilder().addImages(tensor()).build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.getStatus().getDescription())
                    .contains("rendering the response failed")
                    .contains("renderer bug");
              });
    }
  }

  @Test
  void anErrorWhileRenderingAStreamItemBecomesAnItemErrorAndTheStreamGoesOn() throws Exception {
    ResponseRendering brokenForBad =
        new ResponseRendering() {
          @Override
          ClassifyStreamResponse item(String id, InferenceOutcome outcome) {
            if (id.startsWith("bad")) {
              throw new AssertionError("renderer error for " + id);
            }
            return super.item(id, outcome);
          }
        };
    try (Harness h = new Harness(bytes -> null, brokenForBad)) {
      List<ClassifyStreamRequest> items =
          List.of(
              item("bad1", tensor()),
              item("bad2", tensor()),
              item("bad3", tensor()),
              item("bad4", tensor()),
              item("bad5", tensor()),
              item("good", tensor()));
      Map<String, ClassifyStreamResponse> answers = h.stream(items);
      assertThat(answers).hasSize(6);
      assertThat(answers.get("bad5").getError().getCode()).isEqualTo(Status.Code.INTERNAL.value());
      assertThat(answers.get("bad5").getError().getMessage()).contains("renderer error for bad5");
      assertThat(answers.get("good").hasResult()).isTrue();
      assertThat(h.service.streamStats().itemsAnswered()).isEqualTo(6);
      assertThat(h.service.streamStats().streamsOpen()).isZero();
    }
  }
}
