package dev.classifier.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.classifier.batching.AdaptiveBatching;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.engine.EngineOptions;
import dev.classifier.server.engine.provider.CudaOptions;
import dev.classifier.server.engine.provider.ProviderOptions;
import dev.classifier.server.engine.provider.TensorRtOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the YAML configuration file (schema: {@code deploy/config/sample.yaml}, reference: {@code
 * docs/OPERATIONS.md}) into a validated {@link ServerConfig}. Every error is a {@link
 * ConfigException} naming the key and the bad value. Relative model and label paths are resolved
 * against the file's folder.
 */
public final class ConfigReader {
  private static final ObjectMapper YAML = new YAMLMapper();

  private ConfigReader() {}

  /** The configuration with no file: the embedded model and every default. */
  public static ServerConfig defaults() {
    return fromYaml("{}", Path.of("."));
  }

  public static ServerConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    return fromYaml(text, base);
  }

  /** Parses YAML text; relative paths resolve against {@code baseDir}. */
  public static ServerConfig fromYaml(String text, Path baseDir) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "not valid YAML at line "
              + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    ConfigNode top = new ConfigNode(root == null || root.isMissingNode() ? null : root, "");
    top.allowOnly("server", "defaultModel", "models", "security");
    ConfigNode s =
        top.child("server")
            .allowOnly(
                "host",
                "port",
                "metricsPort",
                "jmx",
                "accessLog",
                "streamWindow",
                "maxMessageBytes",
                "shutdownGraceSeconds",
                "transport",
                "decodeBudgetBytes",
                "defaultTimeoutMillis",
                "connection",
                "warmup");
    List<ModelConfig> models = new ArrayList<>();
    List<ConfigNode> modelNodes = top.children("models");
    if (modelNodes.isEmpty()) {
      models.add(ModelConfig.embeddedDefault(BatchPolicy.builder().build()));
    }
    for (ConfigNode m : modelNodes) {
      models.add(model(m, baseDir));
    }
    long graceSeconds =
        s.longValue("shutdownGraceSeconds", ServerConfig.DEFAULT_SHUTDOWN_GRACE.toSeconds());
    if (graceSeconds < 0) {
      throw new ConfigException("server.shutdownGraceSeconds must be >= 0, got " + graceSeconds);
    }
    return top.build(
        () ->
            new ServerConfig(
                s.string("host", ServerConfig.DEFAULT_HOST),
                s.integer("port", ServerConfig.DEFAULT_PORT),
                models,
                top.string("defaultModel", null),
                s.integer("streamWindow", ServerConfig.DEFAULT_STREAM_WINDOW),
                s.integer("maxMessageBytes", ServerConfig.DEFAULT_MAX_MESSAGE_BYTES),
                Duration.ofSeconds(graceSeconds),
                s.string("transport", ServerConfig.DEFAULT_TRANSPORT),
                s.integer("metricsPort", ServerConfig.DEFAULT_METRICS_PORT),
                s.bool("jmx", true),
                s.bool("accessLog", false),
                new RequestLimits(
                    s.longValue("decodeBudgetBytes", 0),
                    Duration.ofMillis(
                        s.longValue(
                            "defaultTimeoutMillis", RequestLimits.DEFAULT_TIMEOUT.toMillis()))),
                ConnectionPolicyReader.read(s.child("connection")),
                SecurityConfigReader.read(top.child("security"), baseDir),
                warmup(s.child("warmup"))));
  }

  static WarmupConfig warmup(ConfigNode w) {
    w.allowOnly(
        "enabled",
        "minRequests",
        "minMillis",
        "maxMillis",
        "window",
        "tolerancePercent",
        "concurrency",
        "retryAfterMillis");
    WarmupConfig d = WarmupConfig.defaults();
    long minMillis = w.longValue("minMillis", d.minDuration().toMillis());
    long maxMillis = w.longValue("maxMillis", d.maxDuration().toMillis());
    long retryMillis = w.longValue("retryAfterMillis", d.retryAfter().toMillis());
    return w.build(
        () ->
            new WarmupConfig(
                w.bool("enabled", true),
                w.integer("minRequests", d.minRequests()),
                Duration.ofMillis(minMillis),
                Duration.ofMillis(maxMillis),
                w.integer("window", d.window()),
                w.number("tolerancePercent", d.tolerancePercent()),
                w.integer("concurrency", d.concurrency()),
                Duration.ofMillis(retryMillis)));
  }

  private static ModelConfig model(ConfigNode m, Path baseDir) {
    m.allowOnly(
        "name",
        "path",
        "labels",
        "output",
        "preprocessing",
        "batching",
        "devices",
        "instancesPerDevice",
        "engine");
    String path = m.string("path", null);
    String labels = m.string("labels", null);
    String output = m.string("output", null);
    OutputKind kind = null;
    if (output != null) {
      try {
        kind = OutputKind.valueOf(output.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            m.key("output") + " must be logits, probabilities or detect, got '" + output + "'");
      }
    }
    BatchPolicy batching = batching(m.child("batching"));
    ConfigNode e =
        m.child("engine")
            .allowOnly(
                "intraOpThreads",
                "adaptiveWidth",
                "adaptiveWidthMinRunMillis",
                "providers",
                "rejectNonFiniteInput",
                "watchdogMillis",
                "allowReducedPrecision",
                "requireProvider",
                "tensorrt",
                "cuda");
    ProviderOptions providerOptions = providerOptions(e, baseDir);
    EngineOptions engine =
        e.build(
            () ->
                new EngineOptions(
                    e.integer("intraOpThreads", 0),
                    e.strings("providers", List.of("cpu")),
                    e.bool("rejectNonFiniteInput", true),
                    java.time.Duration.ofMillis(
                        e.longValue("watchdogMillis", EngineOptions.DEFAULT_WATCHDOG.toMillis())),
                    providerOptions,
                    e.bool("adaptiveWidth", true),
                    java.time.Duration.ofMillis(
                        e.longValue(
                            "adaptiveWidthMinRunMillis",
                            EngineOptions.DEFAULT_ADAPTIVE_WIDTH_MIN_RUN.toMillis()))));
    PreprocessSpec preprocessing = preprocessing(m);
    OutputKind outputKind = kind;
    try {
      return new ModelConfig(
          m.string("name", null),
          path == null ? null : baseDir.resolve(path).normalize(),
          labels == null ? null : baseDir.resolve(labels).normalize(),
          outputKind,
          batching,
          m.strings("devices", List.of("cpu")),
          m.integer("instancesPerDevice", 1),
          engine,
          preprocessing);
    } catch (ConfigException ex) {
      throw ex;
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(ex.getMessage().replace("models[].", m.path() + "."), ex);
    }
  }

  /** {@code engine.tensorrt}, {@code engine.cuda} and the precision/provider guarantees. */
  static ProviderOptions providerOptions(ConfigNode e, Path baseDir) {
    ConfigNode t =
        e.child("tensorrt")
            .allowOnly(
                "fp16",
                "workspaceBytes",
                "builderOptimizationLevel",
                "engineCache",
                "timingCache",
                "cacheDir",
                "profileMinBatch",
                "profileOptBatch",
                "cudaGraph");
    TensorRtOptions td = TensorRtOptions.defaults();
    String cacheDir = t.string("cacheDir", null);
    TensorRtOptions trt =
        t.build(
            () ->
                new TensorRtOptions(
                    TensorRtOptions.Fp16.parse(t.string("fp16", "auto")),
                    t.longValue("workspaceBytes", td.workspaceBytes()),
                    t.integer("builderOptimizationLevel", td.builderOptimizationLevel()),
                    t.bool("engineCache", td.engineCache()),
                    t.bool("timingCache", td.timingCache()),
                    cacheDir == null
                        ? td.cacheDir()
                        : baseDir.resolve(cacheDir).toAbsolutePath().normalize(),
                    t.integer("profileMinBatch", td.profileMinBatch()),
                    t.integer("profileOptBatch", td.profileOptBatch()),
                    t.bool("cudaGraph", td.cudaGraph())));
    ConfigNode c =
        e.child("cuda")
            .allowOnly(
                "gpuMemLimitBytes", "arenaExtendStrategy", "cudnnConvAlgoSearch", "cudaGraph");
    CudaOptions cd = CudaOptions.defaults();
    CudaOptions cuda =
        c.build(
            () ->
                new CudaOptions(
                    c.longValue("gpuMemLimitBytes", cd.gpuMemLimitBytes()),
                    c.string("arenaExtendStrategy", cd.arenaExtendStrategy()),
                    c.string("cudnnConvAlgoSearch", cd.cudnnConvAlgoSearch()),
                    c.bool("cudaGraph", cd.cudaGraph())));
    return e.build(
        () ->
            new ProviderOptions(
                trt,
                cuda,
                e.bool("allowReducedPrecision", false),
                e.string("requireProvider", null)));
  }

  private static PreprocessSpec preprocessing(ConfigNode m) {
    JsonNode raw = m.raw("preprocessing");
    if (raw == null) {
      return null;
    }
    String key = m.key("preprocessing");
    try {
      return PreprocessingJson.read(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage(), e);
    }
  }

  static BatchPolicy batching(ConfigNode b) {
    b.allowOnly(
        "maxBatchSize",
        "maxQueueDelayMicros",
        "preferredBatchSizes",
        "maxQueueSize",
        "maxQueuedBytes",
        "defaultTimeoutMillis",
        "priorityLevels",
        "adaptive",
        "maxQueuedWorkMillis");
    BatchPolicy defaults = BatchPolicy.builder().build();
    long delayMicros = b.longValue("maxQueueDelayMicros", 0);
    long timeoutMillis = b.longValue("defaultTimeoutMillis", 0);
    long queuedWorkMillis = b.longValue("maxQueuedWorkMillis", 0);
    ConfigNode a =
        b.child("adaptive")
            .allowOnly(
                "enabled",
                "latencyTargetMicros",
                "minBatchSize",
                "maxBatchSize",
                "additiveIncrease",
                "multiplicativeDecrease");
    AdaptiveBatching off = AdaptiveBatching.disabled();
    long targetMicros = a.longValue("latencyTargetMicros", off.latencyTarget().toNanos() / 1000);
    AdaptiveBatching adaptive =
        a.build(
            () ->
                new AdaptiveBatching(
                    a.bool("enabled", false),
                    Duration.ofNanos(Math.multiplyExact(targetMicros, 1000L)),
                    a.integer("minBatchSize", off.minBatchSize()),
                    a.integer("maxBatchSize", off.maxBatchSize()),
                    a.integer("additiveIncrease", off.additiveIncrease()),
                    a.number("multiplicativeDecrease", off.multiplicativeDecrease())));
    return b.build(
        () ->
            new BatchPolicy(
                b.integer("maxBatchSize", defaults.maxBatchSize()),
                Duration.ofNanos(Math.multiplyExact(delayMicros, 1000L)),
                b.integers("preferredBatchSizes", List.of()),
                b.integer("maxQueueSize", defaults.maxQueueSize()),
                b.longValue("maxQueuedBytes", defaults.maxQueuedBytes()),
                Duration.ofMillis(timeoutMillis),
                b.integer("priorityLevels", defaults.priorityLevels()),
                adaptive,
                Duration.ofMillis(queuedWorkMillis)));
  }
}
