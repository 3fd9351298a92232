package dev.classifier.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.TestModels;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.model.ServedModel;
import io.grpc.Status;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decode stage is bounded by decoded bytes, estimated from the image header before anything is
 * decoded. A 309 KB PNG of 6300x6300 16-bit RGBA would decode to ~300 MB: it waits for budget
 * (RESOURCE_EXHAUSTED when none is left) or, alone above the budget, is INVALID_ARGUMENT.
 */
class DecodeBudgetTest {
  private static ServedModel model;

  @BeforeAll
  static void load() throws Exception {
    model = TestModels.load(TestModels.embedded(BatchPolicy.builder().build(), 1));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** A PNG signature and IHDR claiming {@code w x h} at 16-bit RGBA, then a truncated IDAT. */
  static ByteString hugePngHeader(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 20);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put(new byte[] {'I', 'H', 'D', 'R'}).putInt(w).putInt(h);
    ihdr.put((byte) 16).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    b.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    b.putInt(1000).put(new byte[] {'I', 'D', 'A', 'T'}).put(new byte[8]);
    return ByteString.copyFrom(b.array());
  }

  /** Runs tasks only when told: decodes stay queued, holding their budget. */
  private static final class HeldExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      tasks.add(r);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }
  }

  private static Status status(CompletableFuture<InferenceInput> f) throws Exception {
    try {
      f.get();
      return Status.OK;
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      return t instanceof InvalidRequestException
          ? Status.INVALID_ARGUMENT.withDescription(t.getMessage())
          : Status.fromThrowable(t);
    }
  }

  @Test
  void theHeaderGivesTheDecodedSizeBeforeDecoding() throws Exception {
    DecodeCost.Estimate png = DecodeCost.estimate(hugePngHeader(6300, 6300));
    assertThat(png.bytes()).isEqualTo(2L * 6300 * 6300 * 4 * 2);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR), "jpeg", jpeg);
    DecodeCost.Estimate j = DecodeCost.estimate(ByteString.copyFrom(jpeg.toByteArray()));
    assertThat(j.width()).isEqualTo(40);
    assertThat(j.height()).isEqualTo(30);
    assertThat(j.bytes()).isEqualTo(2L * 40 * 30 * 3);
    ByteArrayOutputStream gray = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY), "png", gray);
    assertThat(DecodeCost.estimate(ByteString.copyFrom(gray.toByteArray())).bytes())
        .isEqualTo(2L * 40 * 30);
    assertThat(DecodeCost.estimate(ByteString.copyFromUtf8("garbage")).bytes()).isNegative();
  }

  @Test
  void whoeverReceivesTheAnswerFindsTheStageAlreadyReleased() throws Exception {
    // the answer's callback runs on the decode thread as the future completes; the image's slot
    // and bytes must be given back before that, or a caller with its answer still sees them held
    HeldExecutor executor = new HeldExecutor();
    ImageDecoding decoding = new ImageDecoding(executor, 16, 40_000_000L, 1L << 30, null);
    ByteString huge = hugePngHeader(6300, 6300); // fails to decode: the error path
    AtomicLong seenImages = new AtomicLong(-1);
    AtomicLong seenBytes = new AtomicLong(-1);
    CompletableFuture<InferenceInput> answer =
        decoding
            .decode("images[0].encoded", huge, model)
            .whenComplete(
                (input, error) -> {
                  seenImages.set(decoding.pendingImages());
                  seenBytes.set(decoding.pendingBytes());
                });
    assertThat(decoding.pendingImages()).isEqualTo(1);
    executor.runAll();
    assertThat(status(answer).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(seenImages.get()).isZero();
    assertThat(seenBytes.get()).isZero();
  }

  @Test
  void hugeImagesWaitForBudgetAndReleaseItWhateverTheOutcome() throws Exception {
    HeldExecutor executor = new HeldExecutor();
    long budget = 1L << 30; // 1 GiB: one 635 MB estimate fits, two do not
    ImageDecoding decoding = new ImageDecoding(executor, 16, 40_000_000L, budget, null);
    ByteString huge = hugePngHeader(6300, 6300);
    CompletableFuture<InferenceInput> first = decoding.decode("images[0].encoded", huge, model);
    assertThat(decoding.pendingBytes()).isEqualTo(2L * 6300 * 6300 * 8);
    Status second = status(decoding.decode("images[1].encoded", huge, model));
    assertThat(second.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(second.getDescription()).contains("decode budget");
    executor.runAll(); // the truncated file then fails to decode
    assertThat(status(first).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(decoding.pendingBytes()).isZero();
    assertThat(decoding.pendingImages()).isZero();
  }

  @Test
  void anImageAloneAboveTheBudgetCanNeverFit() throws Exception {
    ImageDecoding decoding =
        new ImageDecoding(new HeldExecutor(), 16, 40_000_000L, 256L << 20, null);
    Status s = status(decoding.decode("image.encoded", hugePngHeader(6300, 6300), model));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("6300x6300").contains("whole decode budget");
    assertThat(decoding.pendingBytes()).isZero();
  }
}
