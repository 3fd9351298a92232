package dev.classifier.server.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.server.Accounting;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.RawCalls;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.text.ClientText;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input over real Netty: malformed protobuf is INVALID_ARGUMENT (never UNKNOWN) and
 * counted; a request larger than a stage's total capacity is INVALID_ARGUMENT "can never fit", not
 * a retryable RESOURCE_EXHAUSTED; echoed client strings are capped.
 */
class HostileInputTest {
  private static final String CLASSIFY = "classifier.v1.Classifier/Classify";
  private static final String STREAM = "classifier.v1.Classifier/ClassifyStream";
  private static final int QUEUE = 64;

  private static ClassifierServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(8).maxQueueSize(QUEUE).build();
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))).toBuilder()
            .metricsPort(0)
            .build();
    server = new ClassifierServer(config).start();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private static byte[] valid() {
    return ClassifyRequest.newBuilder()
        .addImages(Tensors.randomMnist(new Random(1)))
        .build()
        .toByteArray();
  }

  /** Field 1 (model, a string) holding the invalid UTF-8 sequence C3 28. */
  private static final byte[] INVALID_UTF8 = {0x0a, 0x02, (byte) 0xc3, 0x28};

  @Test
  void malformedUnaryMessagesAreInvalidArgumentAndCounted() throws Exception {
    Accounting before = Accounting.scrape(server);
    byte[] random = new byte[512];
    new Random(7).nextBytes(random);
    byte[] full = valid();
    byte[] truncated = Arrays.copyOf(full, full.length / 2);
    for (byte[] bad : List.of(random, truncated, INVALID_UTF8)) {
      Status s = RawCalls.unary(channel, CLASSIFY, bad);
      assertThat(s.getCode()).as(s.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(s.getDescription()).contains("not a valid classifier.v1.ClassifyRequest");
    }
    assertThat(RawCalls.unary(channel, CLASSIFY, full).getCode()).isEqualTo(Status.Code.OK);
    Status info = RawCalls.unary(channel, "classifier.v1.Classifier/GetModelInfo", INVALID_UTF8);
    assertThat(info.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    Accounting after = Accounting.settled(server);
    assertThat(after.answered("Classifier/Classify", "INVALID_ARGUMENT"))
        .isEqualTo(before.answered("Classifier/Classify", "INVALID_ARGUMENT") + 3);
    after.assertBalanced();
  }

  @Test
  void aMalformedStreamItemEndsTheStreamInvalidArgumentAndLeavesNoGauge() throws Exception {
    byte[] good =
        ClassifyStreamRequest.newBuilder()
            .setRequestId("ok")
            .setImage(Tensors.randomMnist(new Random(2)))
            .build()
            .toByteArray();
    for (int i = 0; i < 5; i++) {
      RawCalls.StreamResult r =
          RawCalls.bidi(channel, STREAM, List.of(good, Arrays.copyOf(good, good.length - 3)));
      assertThat(r.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(r.status().getDescription())
          .contains("not a valid classifier.v1.ClassifyStreamRequest");
      for (byte[] answer : r.responses()) {
        assertThat(ClassifyStreamResponse.parseFrom(answer).getRequestId()).isEqualTo("ok");
      }
    }
    Accounting.settled(server).assertBalanced();
  }

  @Test
  void moreEncodedImagesThanTheDecodeStageHoldsCanNeverFit() {
    int max = server.service().decoding().maxPendingImages();
    ClassifyRequest.Builder b = ClassifyRequest.newBuilder();
    ImageInput png = ImageInput.newBuilder().setEncoded(ByteString.copyFromUtf8("png?")).build();
    for (int i = 0; i <= max; i++) {
      b.addImages(png);
    }
    StatusRuntimeException e = classifyFails(b.build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("can never fit").contains("" + (max + 1));
  }

  @Test
  void moreImagesThanTheModelQueueHoldsCanNeverFit() {
    float[] pixels = new float[(QUEUE + 1) * 28 * 28];
    ClassifyRequest r =
        ClassifyRequest.newBuilder()
            .addImages(Tensors.image(Tensors.float32(pixels, QUEUE + 1, 1, 28, 28)))
            .build();
    StatusRuntimeException e = classifyFails(r);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("can never fit").contains("" + QUEUE);
  }

  @Test
  void aMegabyteModelNameIsEchoedCappedWithNotFound() {
    String name = "x".repeat(1 << 20);
    StatusRuntimeException e =
        classifyFails(
            ClassifyRequest.newBuilder()
                .setModel(name)
                .addImages(Tensors.randomMnist(new Random(3)))
                .build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription())
        .contains("x".repeat(ClientText.MAX_ECHO) + "...")
        .doesNotContain("x".repeat(ClientText.MAX_ECHO + 1));
    StatusRuntimeException info =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                ClassifierGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getModelInfo(GetModelInfoRequest.newBuilder().setModel(name).build()));
    assertThat(info.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(info.getStatus().getDescription().length()).isLessThan(400);
  }

  private static StatusRuntimeException classifyFails(ClassifyRequest r) {
    return org.assertj.core.api.Assertions.catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            ClassifierGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .classify(r));
  }
}
