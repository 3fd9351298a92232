package dev.classifier.client.cli;

import dev.classifier.client.ClassifierClient;
import dev.classifier.client.InputDtype;
import dev.classifier.client.eval.Dataset;
import dev.classifier.client.eval.EvaluateFormat;
import dev.classifier.client.eval.Evaluation;
import dev.classifier.client.eval.EvaluationAbortedException;
import dev.classifier.client.eval.EvaluationHtml;
import dev.classifier.client.eval.EvaluationOptions;
import dev.classifier.client.eval.EvaluationReport;
import dev.classifier.client.eval.Evaluator;
import dev.classifier.client.eval.IdxDataset;
import dev.classifier.client.eval.ImageFolderDataset;
import dev.classifier.client.eval.ProgressBar;
import dev.classifier.client.eval.ProgressListener;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code classifier evaluate DATASET}: runs a labelled data set through the server and reports
 * Top-1/Top-5, per-class accuracy and the confusion matrix (see {@link Evaluator}).
 */
@Command(
    name = "evaluate",
    description = {
      "Measure Top-1/Top-5 accuracy of a served model on a labelled data set.",
      "imagefolder: DATASET/<class>/<image>.png|jpg; class folders sorted by name give the class"
          + " indices; they are matched to the model's labels by name (case, spaces and"
          + " punctuation ignored: T-shirt_top = T-shirt/top), else by number (folders 0..N-1),"
          + " else by position when the counts agree.",
      "idx: a folder with *images-idx3-ubyte[.gz] and *labels-idx1-ubyte[.gz] (MNIST,"
          + " Fashion-MNIST; t10k files preferred) or the image file; labels are class indices."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Mixin ServerOptions server;

  @Parameters(paramLabel = "DATASET", description = "Data set folder (or IDX image file).")
  Path dataset;

  @Option(
      names = "--format",
      description = "imagefolder or idx (default: idx when the folder holds IDX files).")
  String format;

  @Option(names = "--model", description = "Model name; default: the server's default model.")
  String model = "";

  @Option(
      names = "--stream",
      description = "Send over one ClassifyStream instead of unary batches.")
  boolean stream;

  @Option(
      names = "--send",
      description =
          "tensor (client preprocesses) or encoded (server decodes) (default: ${DEFAULT-VALUE}).")
  String send = "tensor";

  @Option(
      names = "--input-dtype",
      description =
          "Tensor dtype sent: auto (uint8 pixels where the model accepts them, the server"
              + " normalises; 4x smaller), float32 or uint8 (default: ${DEFAULT-VALUE}).")
  String inputDtype = "auto";

  @Option(names = "--limit", description = "Evaluate only the first N images (0 = all).")
  int limit;

  @Option(names = "--batch", description = "Images per unary request (default: ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(
      names = "--window",
      description = "Images in flight on the stream (default: ${DEFAULT-VALUE}).")
  int window = 64;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Also write an HTML report with the confusion matrix drawn as a heat map.")
  Path html;

  @Option(
      names = "--progress",
      description = "Show a progress bar on stderr even when it is not a terminal.")
  boolean progress;

  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    EvaluationOptions options;
    Dataset data;
    try {
      options =
          EvaluationOptions.defaults()
              .withModel(model)
              .withSend(SendModes.parse(send))
              .withInputDtype(InputDtype.parse(inputDtype))
              .withStream(stream)
              .withBatchSize(batch)
              .withWindow(window);
      if (limit < 0) {
        throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
      }
      EvaluateFormat f =
          format != null ? EvaluateFormat.parse(format) : EvaluateFormat.detect(dataset);
      data =
          (f == EvaluateFormat.IDX ? IdxDataset.open(dataset) : ImageFolderDataset.open(dataset));
      data = data.limit(limit);
    } catch (IllegalArgumentException | IOException e) {
      err.println("classifier: " + e.getMessage());
      return 2;
    }
    ProgressListener listener =
        progress || System.console() != null ? new ProgressBar(err) : ProgressListener.NONE;
    Evaluation result;
    try (ClassifierClient client = server.connect()) {
      result = new Evaluator(client, options).run(data, listener);
    } catch (StatusRuntimeException e) {
      err.println("classifier: " + Failures.describe(server.server, e));
      return Failures.exitCode(e);
    } catch (EvaluationAbortedException e) {
      err.println("classifier: evaluation aborted: " + e.getMessage());
      return Failures.SERVER_ERROR;
    } catch (IllegalArgumentException e) {
      err.println("classifier: " + e.getMessage());
      return 2;
    }
    out.print(EvaluationReport.text(result));
    out.flush();
    if (json != null) {
      write(json, EvaluationReport.json(result));
    }
    if (html != null) {
      write(html, EvaluationHtml.render(result));
    }
    return result.accuracy().errors() == 0 ? 0 : 1;
  }

  private static void write(Path file, String content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
