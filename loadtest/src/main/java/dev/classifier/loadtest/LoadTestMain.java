package dev.classifier.loadtest;

import dev.classifier.client.ClassifierClient;
import dev.classifier.client.StreamingClassifier;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.Tensor;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code classifier-loadtest}: closed-loop load against a running server with synthetic tensors of
 * the model's input shape. Prints throughput and latency percentiles (warm-up excluded).
 */
@Command(
    name = "classifier-loadtest",
    mixinStandardHelpOptions = true,
    version = "classifier-loadtest 0.1.0",
    description = "Closed-loop load test of a classifier server (synthetic input tensors).")
public final class LoadTestMain implements Callable<Integer> {
  @Option(names = "--server", description = "host:port (default: ${DEFAULT-VALUE}).")
  String server = "127.0.0.1:50051";

  @Option(names = "--model", description = "Model name; default: the server's default.")
  String model = "";

  @Option(names = "--concurrency", description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int concurrency = 32;

  @Option(names = "--duration-seconds", description = "Measured time (default: ${DEFAULT-VALUE}).")
  int durationSeconds = 10;

  @Option(names = "--warmup-seconds", description = "Unmeasured warm-up (default: ${DEFAULT-VALUE}).")
  int warmupSeconds = 3;

  @Option(names = "--stream", description = "Send over one ClassifyStream instead of unary calls.")
  boolean stream;

  @Option(names = "--top-k", description = "top_k per request (default: ${DEFAULT-VALUE}).")
  int topK = 1;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadTestMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (ClassifierClient client = ClassifierClient.connect(server)) {
      ModelInfo info = client.modelInfo(model);
      ImageInput image = syntheticImage(info, new Random(1));
      Recorder recorder = new Recorder(3);
      AtomicLong errors = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      Runnable stopper;
      if (stream) {
        stopper = streamLoad(client, image, recorder, errors, running);
      } else {
        stopper = unaryLoad(client, image, recorder, errors, running);
      }
      TimeUnit.SECONDS.sleep(warmupSeconds);
      recorder.getIntervalHistogram();
      long start = System.nanoTime();
      TimeUnit.SECONDS.sleep(durationSeconds);
      Histogram h = recorder.getIntervalHistogram();
      double seconds = (System.nanoTime() - start) / 1e9;
      running.set(false);
      stopper.run();
      System.out.printf(
          Locale.ROOT,
          "model=%s transport=%s concurrency=%d images/s=%.0f p50=%.3fms p90=%.3fms p99=%.3fms"
              + " max=%.3fms errors=%d%n",
          info.getName(),
          stream ? "stream" : "unary",
          concurrency,
          h.getTotalCount() / seconds,
          h.getValueAtPercentile(50) / 1e6,
          h.getValueAtPercentile(90) / 1e6,
          h.getValueAtPercentile(99) / 1e6,
          h.getMaxValue() / 1e6,
          errors.get());
      return errors.get() == 0 ? 0 : 1;
    }
  }

  private Runnable unaryLoad(
      ClassifierClient client,
      ImageInput image,
      Recorder recorder,
      AtomicLong errors,
      AtomicBoolean running) {
    ClassifyRequest request =
        ClassifyRequest.newBuilder().setModel(model).setTopK(topK).addImages(image).build();
    Semaphore done = new Semaphore(0);
    for (int i = 0; i < concurrency; i++) {
      sendUnary(client, request, recorder, errors, running, done);
    }
    return () -> done.acquireUninterruptibly(concurrency);
  }

  private void sendUnary(
      ClassifierClient client,
      ClassifyRequest request,
      Recorder recorder,
      AtomicLong errors,
      AtomicBoolean running,
      Semaphore done) {
    long start = System.nanoTime();
    client
        .classifyAsync(request)
        .whenComplete(
            (r, t) -> {
              recorder.recordValue(System.nanoTime() - start);
              if (t != null) {
                errors.incrementAndGet();
              }
              if (running.get()) {
                sendUnary(client, request, recorder, errors, running, done);
              } else {
                done.release();
              }
            });
  }

  private Runnable streamLoad(
      ClassifierClient client,
      ImageInput image,
      Recorder recorder,
      AtomicLong errors,
      AtomicBoolean running)
      throws InterruptedException {
    ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
    StreamingClassifier s =
        client.openStream(
            concurrency,
            (ClassifyStreamResponse r) -> {
              Long t0 = sentAt.remove(r.getRequestId());
              if (t0 != null) {
                recorder.recordValue(System.nanoTime() - t0);
              }
              if (r.hasError()) {
                errors.incrementAndGet();
              }
            });
    Thread sender =
        new Thread(
            () -> {
              long id = 0;
              try {
                while (running.get()) {
                  String key = Long.toString(id++);
                  sentAt.put(key, System.nanoTime());
                  s.send(
                      ClassifyStreamRequest.newBuilder()
                          .setRequestId(key)
                          .setModel(model)
                          .setTopK(topK)
                          .setImage(image)
                          .build());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "stream-sender");
    sender.start();
    return () -> {
      try {
        sender.join();
        s.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** A random tensor of the model's per-image input shape and dtype. */
  static ImageInput syntheticImage(ModelInfo info, Random random) {
    Tensor.Builder t = Tensor.newBuilder().setDtype(info.getInput().getDtype());
    long elements = 1;
    for (int i = 1; i < info.getInput().getShapeCount(); i++) {
      long d = info.getInput().getShape(i);
      t.addShape(d);
      elements *= d;
    }
    ByteBuffer data;
    if (info.getInput().getDtype() == DataType.UINT8) {
      byte[] bytes = new byte[(int) elements];
      random.nextBytes(bytes);
      data = ByteBuffer.wrap(bytes);
    } else {
      data = ByteBuffer.allocate((int) elements * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (long i = 0; i < elements; i++) {
        data.putFloat((float) random.nextGaussian());
      }
      data.flip();
    }
    return ImageInput.newBuilder().setTensor(t.setData(ByteString.copyFrom(data))).build();
  }
}
