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
import dev.classifier.server.core.ImageDecoding;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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

    StreamObserver<ClassifyStreamRequest> open(Answers answers) {
      return ClassifierGrpc.newStub(channel).classifyStream(answers);
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
      for (byte[] bad : List.of("not an image".getBytes(StandardCharsets.UTF_8), truncated)) {
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
      Answers stream = new Answers();
      StreamObserver<ClassifyStreamRequest> requests = h.open(stream);
      int n = 0;
      for (Path p : samples) {
        requests.onNext(item("good-" + n, ImageEncoder.encodedFile(p)));
        requests.onNext(
            item("bad-" + n, encoded(("garbage " + n).getBytes(StandardCharsets.UTF_8))));
        n++;
      }
      requests.onCompleted();
      stream.done.get(30, TimeUnit.SECONDS);
      Map<String, ClassifyStreamResponse> answers = stream.byRequestId(); // each id exactly once
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

  /**
   * Holds tasks (a decode pool whose threads are all busy) until {@link #release}, which hands the
   * held tasks and every later one to another executor.
   */
  private static final class HeldExecutor implements Executor {
    private final List<Runnable> held = new ArrayList<>();
    private Executor releasedTo;

    @Override
    public void execute(Runnable task) {
      Executor to;
      synchronized (this) {
        if (releasedTo == null) {
          held.add(task);
          return;
        }
        to = releasedTo;
      }
      to.execute(task);
    }

    synchronized int heldCount() {
      return held.size();
    }

    void release(Executor to) {
      List<Runnable> tasks;
      synchronized (this) {
        releasedTo = to;
        tasks = new ArrayList<>(held);
        held.clear();
      }
      tasks.forEach(to::execute);
    }
  }

  /** Records one stream's answers in arrival order; {@code done} ends with the stream. */
  private static final class Answers implements StreamObserver<ClassifyStreamResponse> {
    final List<ClassifyStreamResponse> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public void onNext(ClassifyStreamResponse r) {
      received.add(r);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(null);
    }

    /** The answers by request id; fails if any id was answered more than once. */
    Map<String, ClassifyStreamResponse> byRequestId() {
      return received.stream()
          .collect(Collectors.toMap(ClassifyStreamResponse::getRequestId, r -> r));
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
      Answers answers = new Answers();
      StreamObserver<ClassifyStreamRequest> stream = h.open(answers);
      stream.onNext(item("x", encoded(png)));
      stream.onCompleted();
      answers.done.get(5, TimeUnit.SECONDS);
      assertThat(answers.received)
          .singleElement()
          .satisfies(
              a ->
                  assertThat(a.getError().getCode())
                      .isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value()));

      first.cancel(true); // cancelled while its decode is still queued
      executor.release(Runnable::run);
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
      Answers answers = new Answers();
      StreamObserver<ClassifyStreamRequest> stream = h.open(answers);
      for (int i = 0; i < 12; i++) {
        stream.onNext(item("i" + i, encoded(png)));
      }
      // the server asked for 8; the other 4 wait in the transport until answers are written
      assertThat(executor.heldCount()).isEqualTo(8);
      assertThat(h.service.streamStats().peakOutstanding()).isEqualTo(8);
      stream.onCompleted();
      executor.release(pool); // these decodes and the 4 that the written answers let in
      answers.done.get(30, TimeUnit.SECONDS);
      assertThat(answers.byRequestId()).hasSize(12);
      assertThat(answers.received).allMatch(ClassifyStreamResponse::hasResult);
      assertThat(h.service.streamStats().peakOutstanding()).isEqualTo(8);
    }
  }
}
