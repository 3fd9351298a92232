package dev.classifier.client.cli;

import dev.classifier.client.ClassifierClient;
import dev.classifier.client.ImageEncoder;
import dev.classifier.client.InputDtype;
import dev.classifier.client.StreamingClassifier;
import dev.classifier.client.eval.SendMode;
import dev.classifier.imaging.ImageDecodeException;
import dev.classifier.proto.v1.Classification;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Prediction;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code classifier classify IMAGE...}: decodes each image (or every image in a folder), applies
 * the model's published preprocessing, and prints the ranked labels with probabilities.
 */
@Command(
    name = "classify",
    description = "Classify image files (JPEG, PNG) or every image in the given folders.")
final class ClassifyCommand implements Callable<Integer> {
  @Mixin ServerOptions server;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files or folders.")
  List<Path> inputs;

  @Option(names = "--model", description = "Model name; default: the server's default model.")
  String model = "";

  @Option(names = "--top-k", description = "Predictions per image (default: ${DEFAULT-VALUE}).")
  int topK = 5;

  @Option(
      names = "--input-dtype",
      description =
          "Tensor dtype sent: auto (uint8 pixels where the model accepts them, the server"
              + " normalises; 4x smaller), float32 or uint8 (default: ${DEFAULT-VALUE}).")
  String inputDtype = "auto";

  @Option(
      names = "--stream",
      description = "Send over one ClassifyStream and print results as they arrive.")
  boolean stream;

  @Option(
      names = "--window",
      description = "Images in flight on the stream (default: ${DEFAULT-VALUE}).")
  int window = 32;

  @Option(
      names = "--send",
      description =
          "tensor (decode and preprocess here) or encoded (send the file's bytes; the server"
              + " decodes) (default: ${DEFAULT-VALUE}).")
  String send = "tensor";

  @Option(names = "--batch", description = "Images per unary request (default: ${DEFAULT-VALUE}).")
  int batch = 16;

  private boolean encodedMode;
  private InputDtype dtype = InputDtype.AUTO;
  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    if (topK < 1 || batch < 1 || window < 1) {
      err.println(
          "classifier: --top-k, --batch and --window must be >= 1, got "
              + topK
              + ", "
              + batch
              + ", "
              + window);
      return 2;
    }
    List<Path> files;
    try {
      files = expand(inputs);
      encodedMode = SendModes.parse(send) == SendMode.ENCODED;
      dtype = InputDtype.parse(inputDtype);
    } catch (IOException | IllegalArgumentException e) {
      err.println("classifier: " + e.getMessage());
      return 2;
    }
    try (ClassifierClient client = server.connect()) {
      ImageEncoder encoder;
      try {
        encoder = client.encoder(model, dtype);
      } catch (IllegalArgumentException e) {
        err.println("classifier: " + e.getMessage());
        return 2;
      }
      return stream
          ? classifyStream(client, encoder, files)
          : classifyUnary(client, encoder, files);
    } catch (StatusRuntimeException e) {
      err.println("classifier: " + Failures.describe(server.server, e));
      return Failures.exitCode(e);
    }
  }

  private int classifyUnary(ClassifierClient client, ImageEncoder encoder, List<Path> files) {
    int failures = 0;
    for (int start = 0; start < files.size(); start += batch) {
      List<Path> chunk = files.subList(start, Math.min(files.size(), start + batch));
      List<Path> sent = new ArrayList<>();
      ClassifyRequest.Builder req = ClassifyRequest.newBuilder().setModel(model).setTopK(topK);
      for (Path f : chunk) {
        ImageInput image = encodeOrReport(encoder, f);
        if (image == null) {
          failures++;
          continue;
        }
        req.addImages(image);
        sent.add(f);
      }
      if (sent.isEmpty()) {
        continue;
      }
      ClassifyResponse resp = client.classify(req.build());
      for (int i = 0; i < sent.size(); i++) {
        print(sent.get(i).toString(), resp.getResults(i));
      }
    }
    return failures == 0 ? 0 : 1;
  }

  private int classifyStream(ClassifierClient client, ImageEncoder encoder, List<Path> files)
      throws InterruptedException {
    AtomicInteger failures = new AtomicInteger();
    StreamingClassifier s =
        client.openStream(
            window,
            new StreamingClassifier.Listener() {
              @Override
              public void onResponse(ClassifyStreamResponse r) {
                if (r.hasError()) {
                  failures.incrementAndGet();
                  synchronized (err) {
                    err.println(
                        "classifier: "
                            + r.getRequestId()
                            + ": error "
                            + r.getError().getCode()
                            + ": "
                            + r.getError().getMessage());
                  }
                } else {
                  print(r.getRequestId(), r.getResult());
                }
              }

              @Override
              public void onError(Throwable t) {
                failures.incrementAndGet();
                err.println("classifier: stream failed: " + t.getMessage());
              }
            });
    for (Path f : files) {
      ImageInput image = encodeOrReport(encoder, f);
      if (image == null) {
        failures.incrementAndGet();
        continue;
      }
      try {
        s.send(
            ClassifyStreamRequest.newBuilder()
                .setRequestId(f.toString())
                .setModel(model)
                .setTopK(topK)
                .setImage(image)
                .build());
      } catch (IllegalStateException e) {
        break; // the stream failed; the listener reports it
      }
    }
    s.halfClose();
    if (!s.awaitCompletion(Duration.ofMinutes(5))) {
      s.cancel("timed out");
      err.println("classifier: stream did not complete in time");
      return 1;
    }
    return failures.get() == 0 && s.failure() == null ? 0 : 1;
  }

  private ImageInput encodeOrReport(ImageEncoder encoder, Path f) {
    try {
      return encodedMode ? ImageEncoder.encodedFile(f) : encoder.encode(f);
    } catch (IOException | ImageDecodeException e) {
      err.println("classifier: cannot read image " + f + ": " + e.getMessage());
      return null;
    }
  }

  private void print(String name, Classification c) {
    StringBuilder sb = new StringBuilder(name).append('\n');
    int rank = 1;
    for (Prediction p : c.getPredictionsList()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %d. %-20s %.4f  (class %d)%n",
              rank++,
              p.getLabel().isEmpty() ? "#" + p.getIndex() : p.getLabel(),
              p.getProbability(),
              p.getIndex()));
    }
    synchronized (out) {
      out.print(sb);
      out.flush();
    }
  }

  /** Files as given; folders expanded to their image files, sorted. */
  static List<Path> expand(List<Path> inputs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile)
              .filter(ImageEncoder::isImageFile)
              .sorted()
              .forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    if (files.isEmpty()) {
      throw new IOException("no image files in " + inputs);
    }
    return files;
  }
}
