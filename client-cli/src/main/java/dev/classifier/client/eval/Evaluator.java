package dev.classifier.client.eval;

import dev.classifier.client.ClassifierClient;
import dev.classifier.client.StreamingClassifier;
import dev.classifier.proto.v1.Classification;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a labelled data set through a server and counts Top-1/Top-5: asks the server for the model's
 * labels and preprocessing spec ({@code GetModelInfo}), maps the data set's classes ({@link
 * LabelMapping}), then sends every image as batched unary requests (a bounded number in flight) or
 * over one flow-controlled stream. A request rejected as INVALID_ARGUMENT (or a stream item error,
 * or an unreadable file) counts its images as errors; any other failure aborts the run with {@link
 * EvaluationAbortedException}.
 */
public final class Evaluator {
  private static final int MAX_ERROR_SAMPLES = 10;

  private final ClassifierClient client;
  private final EvaluationOptions options;

  public Evaluator(ClassifierClient client, EvaluationOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * @throws IllegalArgumentException if the data set's classes cannot be matched to the model's
   * @throws EvaluationAbortedException if the server fails the run as a whole
   */
  public Evaluation run(Dataset dataset, ProgressListener progress) throws InterruptedException {
    ModelInfo info = client.modelInfo(options.model());
    LabelMapping mapping =
        LabelMapping.resolve(dataset.classNames(), info.getLabelsList(), info.getNumClasses());
    InputFactory inputs =
        new InputFactory(client.encoder(options.model(), options.inputDtype()), options.send());
    Run run = new Run(dataset, mapping, info.getNumClasses(), progress);
    long start = System.nanoTime();
    if (options.stream()) {
      streamed(run, inputs);
    } else {
      unary(run, inputs);
    }
    long elapsed = System.nanoTime() - start;
    if (run.abort.get() != null) {
      throw run.abort.get();
    }
    return new Evaluation(
        info.getName(),
        info.getVersion(),
        info.getLabelsList(),
        dataset.description(),
        mapping.describe(),
        options,
        run.accuracy.snapshot(),
        elapsed,
        run.errorSamples());
  }

  private void unary(Run run, InputFactory inputs) throws InterruptedException {
    Dataset ds = run.dataset;
    Semaphore inFlight = new Semaphore(options.requestsInFlight());
    for (int start = 0;
        start < ds.size() && run.abort.get() == null;
        start += options.batchSize()) {
      int end = Math.min(ds.size(), start + options.batchSize());
      List<Integer> sent = new ArrayList<>();
      ClassifyRequest.Builder req =
          ClassifyRequest.newBuilder().setModel(options.model()).setTopK(AccuracyAccumulator.TOP_K);
      for (int i = start; i < end; i++) {
        ImageInput in = run.input(inputs, i);
        if (in != null) {
          req.addImages(in);
          sent.add(i);
        }
      }
      if (sent.isEmpty()) {
        continue;
      }
      inFlight.acquire();
      var unused =
          client
              .classifyAsync(req.build())
              .whenComplete(
                  (resp, failure) -> {
                    try {
                      if (failure == null) {
                        run.answered(sent, resp);
                      } else {
                        run.requestFailed(sent, failure);
                      }
                    } finally {
                      inFlight.release();
                    }
                  });
    }
    inFlight.acquire(options.requestsInFlight());
  }

  private void streamed(Run run, InputFactory inputs) throws InterruptedException {
    Dataset ds = run.dataset;
    StreamingClassifier stream =
        client.openStream(
            options.window(),
            new StreamingClassifier.Listener() {
              @Override
              public void onResponse(ClassifyStreamResponse r) {
                int index = Integer.parseInt(r.getRequestId());
                if (r.hasError()) {
                  run.imageFailed(
                      index, "error " + r.getError().getCode() + ": " + r.getError().getMessage());
                } else {
                  run.record(index, r.getResult());
                }
              }

              @Override
              public void onError(Throwable error) {
                run.abort.compareAndSet(
                    null,
                    new EvaluationAbortedException(
                        "stream failed: " + Status.fromThrowable(error), error));
              }
            });
    for (int i = 0; i < ds.size() && run.abort.get() == null; i++) {
      ImageInput in = run.input(inputs, i);
      if (in == null) {
        continue;
      }
      try {
        stream.send(
            ClassifyStreamRequest.newBuilder()
                .setRequestId(Integer.toString(i))
                .setModel(options.model())
                .setTopK(AccuracyAccumulator.TOP_K)
                .setImage(in)
                .build());
      } catch (IllegalStateException e) {
        break; // the stream failed: the listener's onError records the abort before completion
      }
    }
    if (run.abort.get() != null) {
      stream.cancel("evaluation aborted");
      return;
    }
    stream.halfClose();
    if (!stream.awaitCompletion(Duration.ofMinutes(10))) {
      stream.cancel("timed out");
      run.abort.compareAndSet(
          null, new EvaluationAbortedException("stream did not complete in 10 minutes", null));
    }
  }

  /** State of one run, shared with the gRPC callback threads. */
  private static final class Run {
    final Dataset dataset;
    final LabelMapping mapping;
    final AccuracyAccumulator accuracy;
    final ProgressListener progress;
    final AtomicLong done = new AtomicLong();
    final AtomicReference<EvaluationAbortedException> abort = new AtomicReference<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    Run(Dataset dataset, LabelMapping mapping, int classes, ProgressListener progress) {
      this.dataset = dataset;
      this.mapping = mapping;
      this.accuracy = new AccuracyAccumulator(classes);
      this.progress = progress;
    }

    ImageInput input(InputFactory inputs, int index) {
      try {
        return inputs.build(dataset.get(index));
      } catch (IOException | RuntimeException e) {
        imageFailed(index, "cannot read: " + e.getMessage());
        return null;
      }
    }

    void answered(List<Integer> sent, ClassifyResponse resp) {
      if (resp.getResultsCount() != sent.size()) {
        requestFailed(
            sent,
            new IllegalStateException(
                resp.getResultsCount() + " results for " + sent.size() + " images"));
        return;
      }
      for (int i = 0; i < sent.size(); i++) {
        record(sent.get(i), resp.getResults(i));
      }
    }

    void requestFailed(List<Integer> sent, Throwable failure) {
      Status s = Status.fromThrowable(failure);
      if (s.getCode() != Status.Code.INVALID_ARGUMENT) {
        abort.compareAndSet(null, new EvaluationAbortedException("request failed: " + s, failure));
      }
      for (int i : sent) {
        imageFailed(i, s.getCode() + ": " + s.getDescription());
      }
    }

    void record(int index, Classification c) {
      int[] ranked = c.getPredictionsList().stream().mapToInt(p -> p.getIndex()).toArray();
      int truth = mapping.modelClass(dataset.get(index).datasetClass());
      accuracy.record(truth, ranked);
      progress.progress(done.incrementAndGet(), dataset.size());
    }

    void imageFailed(int index, String message) {
      accuracy.recordError();
      if (errors.size() < MAX_ERROR_SAMPLES) {
        errors.add(dataset.get(index).id() + ": " + message);
      }
      progress.progress(done.incrementAndGet(), dataset.size());
    }

    List<String> errorSamples() {
      synchronized (errors) {
        return new ArrayList<>(errors);
      }
    }
  }
}
