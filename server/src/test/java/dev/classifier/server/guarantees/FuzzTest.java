package dev.classifier.server.guarantees;

import static dev.classifier.server.Mutations.mutate;
import static dev.classifier.server.Mutations.randomBytes;
import static dev.classifier.server.Mutations.randomShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.Accounting;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.RawCalls;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzzer of request decoding, validation and image decoding over real Netty: random bytes,
 * mutated valid messages, structurally valid messages with random tensors (dtype, shape, data
 * length, priority, top_k, model) and mutated PNG/JPEG bytes, unary and streamed. Every call must
 * end with a code a client can act on (never UNKNOWN or INTERNAL, never a hang: each call has a 30
 * s deadline that must not fire), and the accounting must balance afterwards.
 *
 * <p>CI runs a fixed seed; a longer run: {@code ./mvnw -o -pl server -am test -Dtest=FuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.iterations=20000 -Dfuzz.seed=$RANDOM}.
 */
class FuzzTest {
  private static final String CLASSIFY = "classifier.v1.Classifier/Classify";
  private static final String STREAM = "classifier.v1.Classifier/ClassifyStream";
  private static final Set<Status.Code> ACCEPTABLE =
      Set.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.RESOURCE_EXHAUSTED);

  @Test
  void noInputMakesTheServerAnswerUnknownThrowOrHang() throws Exception {
    int iterations = Integer.getInteger("fuzz.iterations", 400);
    long seed = Long.getLong("fuzz.seed", 20261204L);
    Random r = new Random(seed);
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(8).maxQueueSize(256).build();
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))).toBuilder()
            .metricsPort(0)
            .build();
    List<byte[]> images = seedImages();
    Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
    try (ClassifierServer server = new ClassifierServer(config).start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
              .usePlaintext()
              .maxInboundMessageSize(64 << 20)
              .build();
      try {
        for (int i = 0; i < iterations; i++) {
          String what = "seed " + seed + " iteration " + i;
          if (i % 10 == 9) {
            List<byte[]> items = new ArrayList<>();
            for (int j = 0; j < 1 + r.nextInt(6); j++) {
              items.add(streamItem(r, images, j));
            }
            RawCalls.StreamResult result = RawCalls.bidi(channel, STREAM, items);
            Status.Code code = result.status().getCode();
            seen.merge(code, 1, Integer::sum);
            assertThat(code)
                .as(what + ": " + result.status())
                .isIn(Status.Code.OK, Status.Code.INVALID_ARGUMENT);
            for (byte[] answer : result.responses()) {
              ClassifyStreamResponse a = ClassifyStreamResponse.parseFrom(answer);
              if (a.hasError()) {
                assertThat(Status.fromCodeValue(a.getError().getCode()).getCode())
                    .as(what + ": " + a.getError())
                    .isIn(ACCEPTABLE);
              }
            }
          } else {
            Status s = RawCalls.unary(channel, CLASSIFY, unary(r, images));
            seen.merge(s.getCode(), 1, Integer::sum);
            assertThat(s.getCode()).as(what + ": " + s).isIn(ACCEPTABLE);
            if (s.getDescription() != null) {
              assertThat(s.getDescription().length()).as(what).isLessThanOrEqualTo(1100);
            }
          }
        }
        Accounting.settled(server).assertBalanced();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    // the generator reached both the success path and the rejections
    assertThat(seen).containsKeys(Status.Code.OK, Status.Code.INVALID_ARGUMENT);
  }

  private static List<byte[]> seedImages() throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String format : List.of("png", "jpeg")) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_3BYTE_BGR);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          img.setRGB(x, y, (x * 9) << 16 | (y * 9) << 8 | (x + y));
        }
      }
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ImageIO.write(img, format, b);
      out.add(b.toByteArray());
    }
    return out;
  }

  /** One unary request: garbage, a mutated valid message, or a valid message with odd fields. */
  private static byte[] unary(Random r, List<byte[]> images) {
    return switch (r.nextInt(4)) {
      case 0 -> randomBytes(r, r.nextInt(300));
      case 1 -> mutate(r, request(r, images).toByteArray());
      default -> request(r, images).toByteArray();
    };
  }

  private static byte[] streamItem(Random r, List<byte[]> images, int id) {
    ClassifyStreamRequest.Builder b =
        ClassifyStreamRequest.newBuilder().setRequestId("i" + id).setImage(image(r, images));
    if (r.nextInt(4) == 0) {
      b.setTopK(r.nextInt(30) - 5);
    }
    if (r.nextInt(5) == 0) {
      b.setPriority(r.nextInt(4) - 1);
    }
    if (r.nextInt(5) == 0) {
      b.setTimeoutMicros(r.nextInt(3) == 0 ? -r.nextInt(10) : 1 + r.nextInt(30_000_000));
    }
    if (r.nextInt(8) == 0) {
      b.setModel(r.nextBoolean() ? "nope" : "x".repeat(r.nextInt(5000)));
    }
    byte[] bytes = b.build().toByteArray();
    return r.nextInt(12) == 0 ? mutate(r, bytes) : bytes;
  }

  private static ClassifyRequest request(Random r, List<byte[]> images) {
    ClassifyRequest.Builder b = ClassifyRequest.newBuilder();
    int n = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      b.addImages(image(r, images));
    }
    if (r.nextInt(4) == 0) {
      b.setTopK(r.nextInt(30) - 5);
    }
    if (r.nextInt(5) == 0) {
      b.setPriority(r.nextInt(4) - 1);
    }
    if (r.nextInt(8) == 0) {
      b.setModel(r.nextBoolean() ? "nope" : "m".repeat(r.nextInt(5000)));
    }
    return b.build();
  }

  private static ImageInput image(Random r, List<byte[]> images) {
    int kind = r.nextInt(6);
    if (kind == 0) {
      return ImageInput.getDefaultInstance(); // neither tensor nor encoded
    }
    if (kind <= 2) {
      byte[] img = images.get(r.nextInt(images.size()));
      byte[] bytes = r.nextBoolean() ? img : mutate(r, img);
      return ImageInput.newBuilder().setEncoded(ByteString.copyFrom(bytes)).build();
    }
    Tensor.Builder t = Tensor.newBuilder().setDtypeValue(r.nextInt(5));
    boolean plausible = r.nextInt(3) > 0;
    long[] shape =
        plausible
            ? (r.nextBoolean() ? new long[] {1, 28, 28} : new long[] {1 + r.nextInt(3), 1, 28, 28})
            : randomShape(r);
    long elements = 1;
    for (long d : shape) {
      t.addShape(d);
      elements = Math.min(1 << 20, elements * Math.min(1 << 20, Math.max(1, Math.abs(d))));
    }
    int bytes = (int) Math.min(1 << 20, elements * (r.nextBoolean() ? 4 : 1));
    if (r.nextInt(4) == 0) {
      bytes = r.nextInt(4000);
    }
    byte[] data = new byte[bytes];
    r.nextBytes(data);
    return ImageInput.newBuilder().setTensor(t.setData(ByteString.copyFrom(data))).build();
  }
}
