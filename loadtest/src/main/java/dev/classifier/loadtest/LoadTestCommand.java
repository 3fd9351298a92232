package dev.classifier.loadtest;

import dev.classifier.client.ChannelOptions;
import dev.classifier.client.ClassifierClient;
import dev.classifier.client.InputDtype;
import dev.classifier.client.cli.SecurityOptions;
import dev.classifier.loadtest.baseline.InProcessOnnx;
import dev.classifier.loadtest.measure.MeasurementPlan;
import dev.classifier.loadtest.measure.RunResult;
import dev.classifier.loadtest.measure.StabilityRule;
import dev.classifier.loadtest.metrics.MetricsScraper;
import dev.classifier.loadtest.report.CsvReport;
import dev.classifier.loadtest.report.Findings;
import dev.classifier.loadtest.report.HtmlReport;
import dev.classifier.loadtest.report.JsonReport;
import dev.classifier.loadtest.report.Machine;
import dev.classifier.loadtest.report.Provenance;
import dev.classifier.loadtest.report.Report;
import dev.classifier.loadtest.report.SummaryReport;
import dev.classifier.loadtest.scenario.ClientWarmup;
import dev.classifier.loadtest.scenario.MaxRateSearch;
import dev.classifier.loadtest.scenario.ReadinessWait;
import dev.classifier.loadtest.scenario.RunExecutor;
import dev.classifier.loadtest.schedule.ArrivalSchedule;
import dev.classifier.loadtest.transport.ClassifierEchoServer;
import dev.classifier.loadtest.transport.EchoSender;
import dev.classifier.loadtest.transport.EchoServer;
import dev.classifier.loadtest.transport.Inputs;
import dev.classifier.loadtest.transport.KServeRequests;
import dev.classifier.loadtest.transport.KServeStreamSender;
import dev.classifier.loadtest.transport.KServeUnarySender;
import dev.classifier.loadtest.transport.RequestSender;
import dev.classifier.loadtest.transport.StreamSender;
import dev.classifier.loadtest.transport.UnarySender;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code classifier-loadtest}: the options and the order in which runs happen.
 *
 * <p>Over 400 lines because it declares all 47 picocli options (each with its help text) in one
 * class, as picocli's usage help is generated from it; the logic lives in the scenario, transport,
 * measure, baseline and report packages it calls.
 */
@Command(
    name = "classifier-loadtest",
    mixinStandardHelpOptions = true,
    version = "classifier-loadtest 0.1.0",
    sortOptions = false,
    description = {
      "Load test of a classifier server: closed loop, concurrency sweep, open loop (Poisson or",
      "constant rate, latency from scheduled send times), find-max-rate and offline scenarios, with",
      "in-process ONNX Runtime, batching-off and gRPC echo baselines. Writes JSON, CSV, HTML and",
      "a small NAME.summary.json (date, machine, command, commit and the headline numbers)."
    })
public final class LoadTestCommand implements Callable<Integer> {
  @Option(
      names = "--server",
      description =
          "host:port, dns:///name:port or static:///h1:p,h2:p (several replicas; use with --lb"
              + " round_robin) (default: ${DEFAULT-VALUE}).")
  String server = "127.0.0.1:50051";

  @Option(
      names = "--lb",
      description =
          "Client-side load balancing: pick_first or round_robin (default: ${DEFAULT-VALUE}).")
  String loadBalancing = ChannelOptions.PICK_FIRST;

  @Option(
      names = "--retry-attempts",
      description =
          "Retries of a unary call failing UNAVAILABLE or RESOURCE_EXHAUSTED, with backoff (gRPC"
              + " service config; 0..4) (default: ${DEFAULT-VALUE}).")
  int retryAttempts = 0;

  @Option(names = "--model", description = "Model name; default: the server's default.")
  String model = "";

  @Option(
      names = "--scenario",
      description = "closed, sweep, open, find-max-rate or offline (default: ${DEFAULT-VALUE}).")
  String scenario = "closed";

  @Option(names = "--transport", description = "unary, stream or both (default: ${DEFAULT-VALUE}).")
  String transport = "unary";

  @Option(
      names = "--protocol",
      description =
          "classifier (classifier.v1), kserve (Open Inference Protocol ModelInfer / ModelStreamInfer) or both (default: ${DEFAULT-VALUE}).")
  String protocol = "classifier";

  @Option(
      names = "--kserve-contents",
      description =
          "kserve: raw (raw_input_contents), typed (fp32/uint contents) or both (default: ${DEFAULT-VALUE}).")
  String kserveContents = "raw";

  @Option(
      names = "--channels",
      description = "gRPC channels (one stream per channel) (default: ${DEFAULT-VALUE}).")
  int channels = 1;

  @Option(
      names = "--concurrency",
      description = "Requests in flight, closed loop (default: ${DEFAULT-VALUE}).")
  int concurrency = 32;

  @Option(
      names = "--concurrency-range",
      split = ",",
      description = "Sweep points (default: 1,2,4,8,16,32).")
  List<Integer> concurrencyRange = List.of(1, 2, 4, 8, 16, 32);

  @Option(names = "--rate", description = "Open loop: requests/s (default: ${DEFAULT-VALUE}).")
  double rate = 100;

  @Option(names = "--arrival", description = "poisson or constant (default: ${DEFAULT-VALUE}).")
  String arrival = "poisson";

  @Option(names = "--seed", description = "Arrival schedule seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--max-outstanding",
      description = "Open loop/offline: most requests in flight (default: ${DEFAULT-VALUE}).")
  int maxOutstanding = 4096;

  @Option(
      names = "--p99-bound-ms",
      description = "find-max-rate: p99 bound (default: ${DEFAULT-VALUE}).")
  double p99BoundMs = 50;

  @Option(
      names = "--rate-low",
      description = "find-max-rate: lowest rate; default 10%% of --rate-high.")
  double rateLow = 0;

  @Option(
      names = "--rate-high",
      description = "find-max-rate: highest rate; default 1.2 x closed-loop throughput.")
  double rateHigh = 0;

  @Option(
      names = "--search-steps",
      description = "find-max-rate: bisection steps (default: ${DEFAULT-VALUE}).")
  int searchSteps = 5;

  @Option(
      names = "--offline-requests",
      description = "offline: requests sent at once (default: ${DEFAULT-VALUE}).")
  int offlineRequests = 10_000;

  @Option(
      names = "--images",
      description =
          "Folder of JPEG/PNG images (preprocessed before timing); default synthetic tensors.")
  Path images;

  @Option(
      names = "--input-dtype",
      description =
          "Tensor dtype sent: auto (uint8 pixels where the model accepts them, "
              + "the server normalises; 4x smaller), float32 or uint8 (default: ${DEFAULT-VALUE}).")
  String inputDtype = "auto";

  @Option(
      names = "--synthetic-count",
      description = "Distinct synthetic tensors (default: ${DEFAULT-VALUE}).")
  int syntheticCount = 16;

  @Option(
      names = "--images-per-request",
      description = "Images in each unary request (default: ${DEFAULT-VALUE}).")
  int imagesPerRequest = 1;

  @Option(names = "--top-k", description = "top_k per request (default: ${DEFAULT-VALUE}).")
  int topK = 1;

  @Option(
      names = "--deadline-ms",
      description = "Per-request deadline, unary (0 = none) (default: ${DEFAULT-VALUE}).")
  long deadlineMs = 0;

  @Option(
      names = "--warmup-ms",
      description = "Unmeasured warm-up per run (default: ${DEFAULT-VALUE}).")
  long warmupMs = 2000;

  @Option(
      names = "--client-warmup-ms",
      description =
          "Warm this load tester's own sending path for this long before the first run, "
              + "against --warmup-target, never the server under test; 0 = off (default: ${DEFAULT-VALUE}).")
  long clientWarmupMs = 5000;

  @Option(
      names = "--warmup-target",
      description =
          "host:port of a warm server to warm the client against (same model name); "
              + "default: an in-process echo classifier.")
  String warmupTarget;

  @Option(
      names = "--await-ready-seconds",
      description =
          "Cold-start runs: after the client warm-up, wait up to this long for "
              + "--server to report readiness (grpc.health 'ready' SERVING, polled every 10 ms), then measure at once. "
              + "Needs --warmup-target (the model is described by it). 0 = off (default: ${DEFAULT-VALUE}).")
  long awaitReadySeconds = 0;

  @Option(names = "--window-ms", description = "Measurement window (default: ${DEFAULT-VALUE}).")
  long windowMs = 2000;

  @Option(
      names = "--min-windows",
      description = "Least windows per run (default: ${DEFAULT-VALUE}).")
  int minWindows = 3;

  @Option(
      names = "--max-windows",
      description = "Most windows per run (default: ${DEFAULT-VALUE}).")
  int maxWindows = 6;

  @Option(
      names = "--stability-windows",
      description = "Windows that must agree (default: ${DEFAULT-VALUE}).")
  int stabilityWindows = 3;

  @Option(
      names = "--stability-tolerance",
      description = "Allowed deviation from their mean, fraction (default: ${DEFAULT-VALUE}).")
  double stabilityTolerance = 0.10;

  @Mixin SecurityOptions security = new SecurityOptions();

  @Option(
      names = "--git-commit",
      paramLabel = "SHA",
      description =
          "Commit the measured build came from, recorded in the reports (bench scripts pass git rev-parse HEAD); default: the jar manifest's Git-Commit.")
  String gitCommit;

  @Spec CommandSpec spec;

  @Option(
      names = "--metrics-url",
      description = "Server's Prometheus /metrics, e.g. http://127.0.0.1:9090/metrics.")
  String metricsUrl;

  @Option(
      names = "--inprocess",
      description = "Also run the model in-process through ONNX Runtime.")
  boolean inProcess;

  @Option(
      names = "--inprocess-batch-sizes",
      split = ",",
      description = "In-process batch sizes; default 1 and the server's max batch size.")
  List<Integer> inProcessBatchSizes;

  @Option(
      names = "--inprocess-threads",
      description =
          "In-process intra-op threads; match the server's --intra-op-threads (default: ${DEFAULT-VALUE}).")
  int inProcessThreads = 0;

  @Option(
      names = "--inprocess-seconds",
      description = "In-process measuring time per batch size (default: ${DEFAULT-VALUE}).")
  double inProcessSeconds = 5;

  @Option(
      names = "--model-file",
      description = "ONNX file for --inprocess (required with it): the model the server serves.")
  Path modelFile;

  @Option(
      names = "--batching-off-server",
      description = "host:port of the same server started with --max-batch-size 1.")
  String batchingOffServer;

  @Option(
      names = "--echo",
      description = "Also load a loopback gRPC echo service with the same payload size.")
  boolean echo;

  @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("loadtest-results");

  @Option(names = "--name", description = "Output file stem (default: ${DEFAULT-VALUE}).")
  String name = "loadtest";

  @Option(names = "--title", description = "Report title.")
  String title;

  private Progress progress;
  private String clientWarmupDone = "off";
  private ModelInfo info;
  private List<ImageInput> inputs;
  private Provenance provenance;

  @Override
  public Integer call() throws Exception {
    progress = new Progress(System.err, System.console() != null);
    validate();
    provenance =
        new Provenance(
            Instant.now().toString(),
            Machine.probe(Path.of("/proc")),
            Provenance.commandLine(spec.commandLine().getParseResult().originalArgs()),
            Provenance.gitCommit(gitCommit, LoadTestMain.class));
    MeasurementPlan plan =
        new MeasurementPlan(
            Duration.ofMillis(warmupMs),
            Duration.ofMillis(windowMs),
            minWindows,
            maxWindows,
            new StabilityRule(stabilityWindows, stabilityTolerance));
    List<ClassifierClient> clients = connect(server);
    List<ClassifierClient> offClients =
        batchingOffServer == null ? List.of() : connect(batchingOffServer);
    try {
      // the model is described by the server under test, or (cold-start runs) by the warm server
      String describer = awaitReadySeconds > 0 ? warmupTarget : server;
      try (ClassifierClient d = client(describer, true)) {
        info = d.modelInfo(model);
      } catch (StatusRuntimeException e) {
        System.err.println("cannot reach " + describer + ": " + e.getStatus());
        return 3;
      }
      InputDtype dtype;
      DataType wire;
      try {
        dtype = InputDtype.parse(inputDtype);
        wire = dtype.resolve(info);
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      inputs =
          images == null
              ? Inputs.synthetic(info, syntheticCount, seed, wire)
              : Inputs.fromFolder(images, clients.get(0).encoder(model, dtype), 10_000);
      MetricsScraper scraper = metricsUrl == null ? null : new MetricsScraper(metricsUrl);
      RunExecutor exec = new RunExecutor(plan, progress, scraper, info.getName());
      List<InProcessOnnx.Result> inProc = new ArrayList<>();
      if (inProcess) {
        inProc.addAll(runInProcess("before"));
      }
      warmClient();
      if (awaitReadySeconds > 0) {
        progress.accept("waiting for " + server + " to be ready");
        if (!ReadinessWait.await(clients.get(0).channel(), Duration.ofSeconds(awaitReadySeconds))) {
          System.err.println(server + " was not ready within " + awaitReadySeconds + " s");
          return 3;
        }
      }
      List<RunResult> runs = new ArrayList<>();
      MaxRateSearch.Found found = null;
      for (String t : transports()) {
        found = mainScenario(exec, clients, t, runs);
      }
      if (!offClients.isEmpty()) {
        for (String t : transports()) {
          for (int c : closedPoints()) {
            try (RequestSender s = sender(offClients, t, c)) {
              runs.add(exec.closed("batching-off closed c=" + c + " " + t, "batching-off", s, c));
            }
          }
        }
      }
      if (echo) {
        runs.addAll(runEcho(exec, clients));
      }
      if (inProcess) {
        inProc.addAll(runInProcess("after"));
      }
      progress.done();
      if (scraper != null && scraper.lastError() != null) {
        System.err.println("note: /metrics scrape failed: " + scraper.lastError());
      }
      Report report =
          new Report(
              title != null ? title : "Load test: " + info.getName() + " on " + server,
              provenance.date(),
              environment(),
              runs,
              inProc,
              found,
              Findings.compute(runs, inProc, found));
      write(report);
      return 0;
    } finally {
      for (ClassifierClient c : clients) {
        c.close();
      }
      for (ClassifierClient c : offClients) {
        c.close();
      }
    }
  }

  /**
   * Runs the main scenario's load shape (open loop at its rate, else a closed loop) against the
   * warm-up target for {@code --client-warmup-ms}, split over the transports.
   */
  private void warmClient() throws Exception {
    if (clientWarmupMs <= 0) {
      return;
    }
    ClassifierEchoServer echo = warmupTarget == null ? ClassifierEchoServer.start(info) : null;
    String target = echo != null ? echo.target() : warmupTarget;
    // the in-process echo speaks plaintext; a --warmup-target gets the same security as --server
    List<ClassifierClient> warm = connect(target, echo == null);
    boolean open = scenario.equals("open") || scenario.equals("find-max-rate");
    double warmRate = scenario.equals("find-max-rate") && rateHigh > 0 ? rateHigh : rate;
    long sent = 0;
    try {
      for (String t : transports()) {
        try (RequestSender s = sender(warm, t, open ? maxOutstanding : concurrency)) {
          ClientWarmup.Result r =
              ClientWarmup.run(
                  s,
                  open ? ArrivalSchedule.of(arrival, warmRate, seed + 1) : null,
                  concurrency,
                  maxOutstanding,
                  Duration.ofMillis(clientWarmupMs / transports().size()),
                  progress);
          sent += r.requests();
        }
      }
    } finally {
      for (ClassifierClient c : warm) {
        c.close();
      }
      if (echo != null) {
        echo.close();
      }
    }
    clientWarmupDone =
        String.format(
            Locale.ROOT,
            "%d ms, %d requests against %s",
            clientWarmupMs,
            sent,
            echo != null ? "an in-process echo classifier" : warmupTarget);
  }

  private void validate() {
    if (!List.of("closed", "sweep", "open", "find-max-rate", "offline").contains(scenario)) {
      throw badArgument(
          "--scenario must be closed, sweep, open, find-max-rate or offline, got " + scenario);
    }
    if (!List.of("unary", "stream", "both").contains(transport)) {
      throw badArgument("--transport must be unary, stream or both, got " + transport);
    }
    if (!List.of("classifier", "kserve", "both").contains(protocol)) {
      throw badArgument("--protocol must be classifier, kserve or both, got " + protocol);
    }
    if (!List.of("raw", "typed", "both").contains(kserveContents)) {
      throw badArgument("--kserve-contents must be raw, typed or both, got " + kserveContents);
    }
    if (inProcess && modelFile == null) {
      throw badArgument(
          "--inprocess needs --model-file, the ONNX file the server serves (the "
              + "default model is server/src/main/resources/models/fashion-mnist/model.onnx)");
    }
    if (awaitReadySeconds > 0 && warmupTarget == null) {
      throw badArgument(
          "--await-ready-seconds needs --warmup-target (a warm server with the same model)");
    }
    if (channels < 1 || concurrency < 1 || imagesPerRequest < 1 || rate <= 0) {
      throw badArgument(
          "--channels, --concurrency, --images-per-request and --rate must be positive");
    }
    try {
      ChannelOptions.of(loadBalancing, retryAttempts);
    } catch (IllegalArgumentException e) {
      throw badArgument("--lb / --retry-attempts: " + e.getMessage());
    }
  }

  private ParameterException badArgument(String message) {
    return new ParameterException(new CommandLine(this), message);
  }

  /**
   * Transport names: "unary" and "stream" for classifier.v1; "kserve-unary-raw",
   * "kserve-stream-typed", ... for the Open Inference Protocol.
   */
  private List<String> transports() {
    List<String> base = transport.equals("both") ? List.of("unary", "stream") : List.of(transport);
    List<String> out = new ArrayList<>();
    if (!protocol.equals("kserve")) {
      out.addAll(base);
    }
    if (!protocol.equals("classifier")) {
      List<String> contents =
          kserveContents.equals("both") ? List.of("raw", "typed") : List.of(kserveContents);
      for (String t : base) {
        for (String c : contents) {
          out.add("kserve-" + t + "-" + c);
        }
      }
    }
    return out;
  }

  private List<Integer> closedPoints() {
    return scenario.equals("sweep") ? concurrencyRange : List.of(concurrency);
  }

  private List<ClassifierClient> connect(String target) {
    return connect(target, true);
  }

  /**
   * {@code --channels} clients of {@code target}, with the TLS/token options when {@code secured}.
   */
  private List<ClassifierClient> connect(String target, boolean secured) {
    List<ClassifierClient> list = new ArrayList<>();
    for (int i = 0; i < channels; i++) {
      list.add(client(target, secured));
    }
    return list;
  }

  /** One client of {@code target}; the in-process echo ({@code secured} false) is plaintext. */
  private ClassifierClient client(String target, boolean secured) {
    dev.classifier.client.ConnectionSecurity sec;
    try {
      sec =
          secured
              ? security.toConnectionSecurity()
              : dev.classifier.client.ConnectionSecurity.plaintext();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw badArgument(e.getMessage());
    }
    return ClassifierClient.connect(
        target,
        deadlineMs > 0 ? Duration.ofMillis(deadlineMs) : null,
        sec,
        ChannelOptions.of(loadBalancing, retryAttempts));
  }

  private RequestSender sender(List<ClassifierClient> clients, String t, int inFlight) {
    if (t.startsWith("kserve-")) {
      KServeRequests.Contents contents =
          t.endsWith("-typed") ? KServeRequests.Contents.TYPED : KServeRequests.Contents.RAW;
      boolean stream = t.startsWith("kserve-stream");
      List<dev.classifier.proto.inference.ModelInferRequest> requests =
          KServeRequests.build(
              info.getName(),
              info.getInput().getName(),
              info.getOutput().getName(),
              topK,
              inputs,
              stream ? 1 : imagesPerRequest,
              contents);
      if (stream) {
        int window = Math.max(1, (inFlight + clients.size() - 1) / clients.size());
        return new KServeStreamSender(clients, requests, contents, window);
      }
      return new KServeUnarySender(
          clients,
          requests,
          imagesPerRequest,
          contents,
          deadlineMs > 0 ? Duration.ofMillis(deadlineMs) : null);
    }
    if (t.equals("stream")) {
      int window = Math.max(1, (inFlight + clients.size() - 1) / clients.size());
      return new StreamSender(clients, model, topK, inputs, window);
    }
    return new UnarySender(clients, model, topK, inputs, imagesPerRequest);
  }

  private MaxRateSearch.Found mainScenario(
      RunExecutor exec, List<ClassifierClient> clients, String t, List<RunResult> runs)
      throws Exception {
    switch (scenario) {
      case "closed", "sweep" -> {
        for (int c : closedPoints()) {
          try (RequestSender s = sender(clients, t, c)) {
            runs.add(exec.closed("closed c=" + c + " " + t, "server", s, c));
          }
        }
      }
      case "open" -> {
        try (RequestSender s = sender(clients, t, maxOutstanding)) {
          runs.add(openRun(exec, s, rate));
        }
      }
      case "offline" -> {
        try (RequestSender s = sender(clients, t, maxOutstanding)) {
          runs.add(
              exec.offline(
                  "offline n=" + offlineRequests + " " + t,
                  "server",
                  s,
                  offlineRequests,
                  maxOutstanding));
        }
      }
      case "find-max-rate" -> {
        double high = rateHigh;
        if (high <= 0) {
          try (RequestSender s = sender(clients, t, concurrency)) {
            RunResult closed =
                exec.closed("closed c=" + concurrency + " " + t, "server", s, concurrency);
            runs.add(closed);
            high = Math.max(1, 1.2 * closed.requests() / closed.measuredSeconds());
          }
        }
        double low = rateLow > 0 ? rateLow : high / 10;
        try (RequestSender s = sender(clients, t, maxOutstanding)) {
          MaxRateSearch.Found f =
              MaxRateSearch.search(r -> openRun(exec, s, r), low, high, searchSteps, p99BoundMs);
          runs.addAll(f.curve());
          return f;
        }
      }
      default -> throw new IllegalStateException(scenario);
    }
    return null;
  }

  private RunResult openRun(RunExecutor exec, RequestSender s, double r)
      throws InterruptedException {
    ArrivalSchedule schedule = ArrivalSchedule.of(arrival, r, seed);
    return exec.open(
        String.format(Locale.ROOT, "open %s %.0f/s %s", arrival, r, s.transport()),
        "server",
        s,
        schedule,
        maxOutstanding);
  }

  private List<InProcessOnnx.Result> runInProcess(String pass) throws Exception {
    byte[] onnx = Files.readAllBytes(modelFile);
    List<Integer> sizes =
        inProcessBatchSizes != null
            ? inProcessBatchSizes
            : List.of(1, Math.max(1, info.getBatching().getMaxBatchSize()));
    List<InProcessOnnx.Result> out = new ArrayList<>();
    try (InProcessOnnx ort = new InProcessOnnx(onnx, inProcessThreads)) {
      for (int b : sizes.stream().distinct().toList()) {
        progress.accept("in-process ONNX Runtime (" + pass + " the load runs): batch " + b);
        InProcessOnnx.Result r =
            ort.measure(
                b,
                Duration.ofSeconds(1),
                Duration.ofMillis((long) (inProcessSeconds * 1000)),
                pass);
        progress.accept(
            String.format(
                Locale.ROOT,
                "in-process ONNX Runtime: batch %d  %.0f img/s  p50 %.3f ms",
                b,
                r.imagesPerSecond(),
                r.batchLatency().p50Millis()));
        out.add(r);
      }
    }
    return out;
  }

  private List<RunResult> runEcho(RunExecutor exec, List<ClassifierClient> clients)
      throws Exception {
    // the payload of the unary runs, and the size of the server's answer to it
    UnarySender unary = new UnarySender(clients, model, topK, inputs, imagesPerRequest);
    ClassifyRequest req = unary.first();
    int requestBytes = unary.requestBytes();
    int responseBytes = clients.get(0).classify(req).getSerializedSize();
    List<RunResult> out = new ArrayList<>();
    try (EchoServer es = EchoServer.start()) {
      for (int c : closedPoints()) {
        try (EchoSender s =
            new EchoSender(es.target(), requestBytes, responseBytes, imagesPerRequest)) {
          out.add(exec.closed("echo closed c=" + c + " (" + requestBytes + " B)", "echo", s, c));
        }
      }
    }
    return out;
  }

  private Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("server", server);
    env.put(
        "model",
        info.getName()
            + " input "
            + info.getInput().getShapeList()
            + " "
            + info.getInput().getDtype()
            + ", server max batch "
            + info.getBatching().getMaxBatchSize()
            + ", instances "
            + info.getBatching().getInstances());
    env.put("scenario", scenario + ", transport " + transport + ", channels " + channels);
    env.put("client warm-up", clientWarmupDone + " (not the server under test)");
    env.put(
        "inputs",
        images == null
            ? syntheticCount + " synthetic tensors (seed " + seed + ")"
            : inputs.size() + " images from " + images);
    env.put(
        "input dtype",
        inputs.get(0).getTensor().getDtype()
            + " (--input-dtype "
            + inputDtype
            + "), "
            + inputs.get(0).getTensor().getData().size()
            + " tensor bytes per image");
    env.put(
        "measurement",
        String.format(
            Locale.ROOT,
            "warm-up %d ms excluded; windows of %d ms, %d..%d per run; stable when throughput and p99 of "
                + "the last %d windows are within %.0f%% of their mean",
            warmupMs,
            windowMs,
            minWindows,
            maxWindows,
            stabilityWindows,
            stabilityTolerance * 100));
    env.put(
        "machine",
        provenance.machine().describe()
            + "; load generator and server share this "
            + "machine unless the server is elsewhere");
    env.put("command", provenance.command());
    env.put("git commit", provenance.gitCommit());
    if (inProcess) {
      env.put(
          "in-process",
          "ONNX Runtime, intra-op threads "
              + inProcessThreads
              + (inProcessThreads == 0 ? " (ORT default)" : ""));
    }
    if (batchingOffServer != null) {
      env.put("batching-off server", batchingOffServer);
    }
    if (metricsUrl != null) {
      env.put("metrics", metricsUrl);
    }
    return env;
  }

  private void write(Report report) throws Exception {
    Files.createDirectories(out);
    Path json = out.resolve(name + ".json");
    Path csv = out.resolve(name + ".csv");
    Path html = out.resolve(name + ".html");
    Path summary = out.resolve(name + ".summary.json");
    JsonReport.write(report, json);
    SummaryReport.write(SummaryReport.of(name, report, provenance), summary);
    CsvReport.write(report, csv);
    HtmlReport.write(report, html);
    for (RunResult r : report.runs()) {
      System.out.printf(
          Locale.ROOT,
          "%-40s %9.0f img/s  p50 %8.3f  p90 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f ms  errors %s%s%n",
          r.label(),
          r.imagesPerSecond(),
          r.latency().p50Millis(),
          r.latency().p90Millis(),
          r.latency().p99Millis(),
          r.latency().p999Millis(),
          r.latency().maxMillis(),
          r.errors().isEmpty() ? "0" : r.errors(),
          r.stable() ? "" : "  UNSTABLE: " + r.stabilityReason());
    }
    for (InProcessOnnx.Result r : report.inProcess()) {
      System.out.printf(
          Locale.ROOT,
          "in-process batch %-3d %9.0f img/s  batch p50 %8.3f ms  (%s)%n",
          r.batchSize(),
          r.imagesPerSecond(),
          r.batchLatency().p50Millis(),
          r.pass());
    }
    report
        .findings()
        .forEach(
            f ->
                System.out.printf(
                    Locale.ROOT,
                    "%-32s %12.4f %-10s %s%n",
                    f.name(),
                    f.value(),
                    f.unit(),
                    f.detail()));
    System.out.println("wrote " + json + ", " + csv + ", " + html + ", " + summary);
  }
}
