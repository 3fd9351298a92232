package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.client.ImageEncoder;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Prediction;
import dev.classifier.server.TestModels;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encoded images ({@code ImageInput.encoded}) decoded by the server: same result as the client's
 * tensor path, clear errors, bounded decode queue, cancellation before decode.
 */
class EncodedImageTest {
  private static final BatchPolicy POLICY =
      BatchPolicy.builder().maxBatchSize(8).maxQueueSize(1024).build();

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

  /** A service with the given decode stage over in-process gRPC (the model is shared). */
  private static final class Harness implements AutoCloseable {
    final ClassifierService service;
    final Server server;
    final ManagedChannel channel;

    Harness(ImageDecoding decoding) throws Exception {
      service = new ClassifierService(new ModelRegistry(List.of(model), null), 8, decoding);
      String name = InProcessServerBuilder.generateName();
      server =
          InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
      channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    ClassifierGrpc.ClassifierBlockingStub blocking() {
      return ClassifierGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      service.close();
    }
  }

  private static ImageInput encoded(byte[] bytes) {
    return ImageInput.newBuilder().setEncoded(ByteString.copyFrom(bytes)).build();
  }

  private static ClassifyRequest request(ImageInput... images) {
    return ClassifyRequest.newBuilder().setTopK(10).addAllImages(List.of(images)).build();
  }

  @Test
  void encodedPngGivesTheSameProbabilitiesAsTheClientTensorPath() throws Exception {
    try (Harness h = new Harness(new ImageDecoding(pool, 64, 1_000_000));
        ClassifierClient client = new ClassifierClient(h.channel, false, Duration.ofSeconds(30))) {
      ImageEncoder encoder = client.encoder("");
      List<Path> samples = TestModels.samples();
      ClassifyRequest.Builder tensors = ClassifyRequest.newBuilder().setTopK(10);
      ClassifyRequest.Builder pngs = ClassifyRequest.newBuilder().setTopK(10);
      for (Path p : samples) {
        tensors.addImages(encoder.encode(p));
        pngs.addImages(ImageEncoder.encodedFile(p));
      }
      ClassifyResponse viaTensor = h.blocking().classify(tensors.build());
      ClassifyResponse viaPng = h.blocking().classify(pngs.build());
      assertThat(viaPng.getResultsCount()).isEqualTo(samples.size());
      for (int i = 0; i < samples.size(); i++) {
        List<Prediction> a = viaTensor.getResults(i).getPredictionsList();
        List<Prediction> b = viaPng.getResults(i).getPredictionsList();
        assertThat(b).hasSize(10);
        for (int j = 0; j < a.size(); j++) {
          assertThat(b.get(j).getIndex()).isEqualTo(a.get(j).getIndex());
          assertThat((double) b.get(j).getProbability())
              .isCloseTo(a.get(j).getProbability(), org.assertj.core.data.Offset.offset(1e-6));
        }
      }
      assertThat(h.service.decoding().decodedImages()).isEqualTo(samples.size());
    }
  }

  @Test
  void tensorsAndEncodedImagesMixInOneRequestInOrder() throws Exception {
    try (Harness h = new Harness(new ImageDecoding(pool, 64, 1_000_000));
        ClassifierClient client = new ClassifierClient(h.channel, false, Duration.ofSeconds(30))) {
      List<Path> samples = TestModels.samples();
      ImageInput t0 = client.encoder("").encode(samples.get(0));
      ImageInput e1 = ImageEncoder.encodedFile(samples.get(1));
      ImageInput e2 = ImageEncoder.encodedFile(samples.get(2));
      ClassifyResponse r = h.blocking().classify(request(e1, t0, e2));
      assertThat(r.getResultsList())
          .extracting(c -> c.getPredictions(0).getIndex())
          .containsExactly(
              TestModels.sampleClass(samples.get(1)),
              TestModels.sampleClass(samples.get(0)),
              TestModels.sampleClass(samples.get(2)));
    }
  }

  @Test
  void undecodableBytesAreInvalidArgument() throws Exception {
    try (Harness h = new Harness(new ImageDecoding(pool, 64, 1_000_000))) {
      byte[] png = Files.readAllBytes(TestModels.samples().get(0));
      byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
      for (byte[] bad : List.of("not an image".getBytes(), truncated)) {
        assertThatThrownBy(() -> h.blocking().classify(request(encoded(bad))))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                  assertThat(e.getStatus().getDescription()).startsWith("images[0].encoded: ");
                });
      }
      assertThatThrownBy(() -> h.blocking().classify(request(encoded(new byte[0]))))
          .hasMessageContaining("INVALID_ARGUMENT")
          .hasMessageContaining("images[0].encoded is empty");
    }
  }

  @Test
  void tooManyPixelsIsInvalidArgumentNamingTheLimit() throws Exception {
    try (Harness h = new Harness(new ImageDecoding(pool, 64, 700))) {
      byte[] png = Files.readAllBytes(TestModels.samples().get(0)); // 28x28 = 784 pixels
      assertThatThrownBy(() -> h.blocking().classify(request(encoded(png))))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .contains("784 pixels")
                    .contains("limit of 700 pixels");
              });
    }
  }

  @Test
  void streamAnswersGoodAndBadEncodedItemsEachOnce() throws Exception {
    try (Harness h = new Harness(new ImageDecoding(pool, 64, 1_000_000));
        ClassifierClient client = new ClassifierClient(h.channel, false, Duration.ofSeconds(30))) {
      List<Path> samples = TestModels.samples();
      ClassifyRequest.Builder tensors = ClassifyRequest.newBuilder();
      for (Path p : samples) {
        tensors.addImages(client.encoder("").encode(p));
      }
      ClassifyResponse expected = h.blocking().classify(tensors.build());
      Map<String, ClassifyStreamResponse> answers = new ConcurrentHashMap<>();
      List<String> duplicates = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<ClassifyStreamRequest> requests =
          ClassifierGrpc.newStub(h.channel)
              .classifyStream(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ClassifyStreamResponse r) {
                      if (answers.put(r.getRequestId(), r) != null) {
                        duplicates.add(r.getRequestId());
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
      int n = 0;
      for (Path p : samples) {
        requests.onNext(item("good-" + n, ImageEncoder.encodedFile(p)));
        requests.onNext(item("bad-" + n, encoded(("garbage " + n).getBytes())));
        n++;
      }
      requests.onCompleted();
      done.get(30, TimeUnit.SECONDS);
      assertThat(duplicates).isEmpty();
      assertThat(answers).hasSize(2 * samples.size());
      for (int i = 0; i < samples.size(); i++) {
        ClassifyStreamResponse good = answers.get("good-" + i);
        assertThat(good.hasResult()).isTrue();
        assertThat(good.getResult().getPredictions(0).getIndex())
            .isEqualTo(expected.getResults(i).getPredictions(0).getIndex());
        assertThat(good.getResult().getPredictions(0).getProbability())
            .isEqualTo(expected.getResults(i).getPredictions(0).getProbability());
        ClassifyStreamResponse bad = answers.get("bad-" + i);
        assertThat(bad.hasError()).isTrue();
        assertThat(bad.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(bad.getError().getMessage()).startsWith("image.encoded: ");
      }
    }
  }

  private static ClassifyStreamRequest item(String id, ImageInput image) {
    return ClassifyStreamRequest.newBuilder().setRequestId(id).setImage(image).build();
  }

  /** Holds tasks until the test runs them: a decode pool whose threads are all busy. */
  private static final class HeldExecutor implements java.util.concurrent.Executor {
    final List<Runnable> held = new CopyOnWriteArrayList<>();

    @Override
    public void execute(Runnable task) {
      held.add(task);
    }

    void runAll() {
      List<Runnable> tasks = new ArrayList<>(held);
      held.clear();
      tasks.forEach(Runnable::run);
    }
  }

  @Test
  void fullDecodeQueueIsResourceExhaustedAndCancelledItemsAreNotDecoded() throws Exception {
    HeldExecutor executor = new HeldExecutor();
    ImageDecoding decoding = new ImageDecoding(executor, 2, 1_000_000);
    try (Harness h = new Harness(decoding)) {
      byte[] png = Files.readAllBytes(TestModels.samples().get(0));
      var future = ClassifierGrpc.newFutureStub(h.channel);
      var first = future.classify(request(encoded(png)));
      var second = future.classify(request(encoded(png)));
      assertThat(decoding.pendingImages()).isEqualTo(2);

      assertThatThrownBy(() -> h.blocking().classify(request(encoded(png))))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription()).contains("decode queue is full");
              });
      // in a stream, a full queue is an item error, not a dead stream
      CompletableFuture<ClassifyStreamResponse> answer = new CompletableFuture<>();
      StreamObserver<ClassifyStreamRequest> stream =
          ClassifierGrpc.newStub(h.channel)
              .classifyStream(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ClassifyStreamResponse r) {
                      answer.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                      answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      stream.onNext(item("x", encoded(png)));
      assertThat(answer.get(5, TimeUnit.SECONDS).getError().getCode())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
      stream.onCompleted();

      first.cancel(true); // cancelled while its decode is still queued
      executor.runAll();
      ClassifyResponse r = second.get(30, TimeUnit.SECONDS);
      assertThat(r.getResults(0).getPredictions(0).getIndex())
          .isEqualTo(TestModels.sampleClass(TestModels.samples().get(0)));
      assertThat(decoding.decodedImages()).isEqualTo(1);
      assertThat(decoding.skippedImages()).isEqualTo(1);
      assertThat(decoding.pendingImages()).isZero();
    }
  }

  @Test
  void streamItemBeingDecodedCountsAgainstTheWindow() throws Exception {
    HeldExecutor executor = new HeldExecutor();
    ImageDecoding decoding = new ImageDecoding(executor, 100, 1_000_000);
    try (Harness h = new Harness(decoding)) { // stream window 8
      byte[] png = Files.readAllBytes(TestModels.samples().get(0));
      List<ClassifyStreamResponse> answers = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<ClassifyStreamRequest> stream =
          ClassifierGrpc.newStub(h.channel)
              .classifyStream(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ClassifyStreamResponse r) {
                      answers.add(r);
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
      for (int i = 0; i < 12; i++) {
        stream.onNext(item("i" + i, encoded(png)));
      }
      // the server asked for 8; the other 4 wait in the transport until answers are written
      assertThat(executor.held).hasSize(8);
      assertThat(h.service.streamStats().peakOutstanding()).isEqualTo(8);
      stream.onCompleted();
      while (!done.isDone()) {
        executor.runAll();
        Thread.sleep(5);
      }
      done.get();
      assertThat(answers).hasSize(12).allMatch(ClassifyStreamResponse::hasResult);
      assertThat(h.service.streamStats().peakOutstanding()).isEqualTo(8);
    }
  }
}
