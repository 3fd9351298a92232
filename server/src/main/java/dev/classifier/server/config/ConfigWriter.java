package dev.classifier.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.classifier.batching.AdaptiveBatching;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.engine.provider.CudaOptions;
import dev.classifier.server.engine.provider.ProviderOptions;
import dev.classifier.server.engine.provider.TensorRtOptions;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link ServerConfig} as YAML in the schema {@link ConfigReader} reads ({@code
 * --print-config}); reading the output back gives the same configuration.
 */
public final class ConfigWriter {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private ConfigWriter() {}

  public static String toYaml(ServerConfig c) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("host", c.host());
    server.put("port", c.port());
    server.put("metricsPort", c.metricsPort());
    server.put("jmx", c.jmx());
    server.put("accessLog", c.accessLog());
    server.put("streamWindow", c.streamWindow());
    server.put("maxMessageBytes", c.maxMessageBytes());
    server.put("shutdownGraceSeconds", c.shutdownGrace().toSeconds());
    server.put("transport", c.transport());
    server.put("decodeBudgetBytes", c.limits().decodeBudgetBytes());
    server.put("defaultTimeoutMillis", c.limits().defaultTimeout().toMillis());
    server.put("connection", ConnectionPolicyReader.toMap(c.connection()));
    WarmupConfig w = c.warmup();
    Map<String, Object> warmup = new LinkedHashMap<>();
    warmup.put("enabled", w.enabled());
    warmup.put("minRequests", w.minRequests());
    warmup.put("minMillis", w.minDuration().toMillis());
    warmup.put("maxMillis", w.maxDuration().toMillis());
    warmup.put("window", w.window());
    warmup.put("tolerancePercent", w.tolerancePercent());
    warmup.put("concurrency", w.concurrency());
    warmup.put("retryAfterMillis", w.retryAfter().toMillis());
    server.put("warmup", warmup);
    root.put("server", server);
    root.put("security", SecurityConfigReader.toMap(c.security()));
    if (c.defaultModel() != null) {
      root.put("defaultModel", c.defaultModel());
    }
    List<Object> models = new ArrayList<>();
    for (ModelConfig m : c.models()) {
      models.add(model(m));
    }
    root.put("models", models);
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> model(ModelConfig m) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (m.name() != null) {
      out.put("name", m.name());
    }
    if (m.path() != null) {
      out.put("path", m.path().toAbsolutePath().toString());
    }
    if (m.labels() != null) {
      out.put("labels", m.labels().toAbsolutePath().toString());
    }
    if (m.output() != null) {
      out.put("output", m.output().name().toLowerCase(Locale.ROOT));
    }
    if (m.preprocessing() != null) {
      out.put("preprocessing", PreprocessingJson.write(m.preprocessing()));
    }
    out.put("devices", m.devices());
    out.put("instancesPerDevice", m.instancesPerDevice());
    Map<String, Object> engine = new LinkedHashMap<>();
    engine.put("intraOpThreads", m.engine().intraOpThreads());
    engine.put("adaptiveWidth", m.engine().adaptiveWidth());
    engine.put("adaptiveWidthMinRunMillis", m.engine().adaptiveWidthMinRun().toMillis());
    engine.put("providers", m.engine().providers());
    engine.put("rejectNonFiniteInput", m.engine().rejectNonFiniteInput());
    engine.put("watchdogMillis", m.engine().watchdog().toMillis());
    ProviderOptions po = m.engine().providerOptions();
    engine.put("allowReducedPrecision", po.allowReducedPrecision());
    if (po.requireProvider() != null) {
      engine.put("requireProvider", po.requireProvider());
    }
    TensorRtOptions t = po.tensorrt();
    Map<String, Object> trt = new LinkedHashMap<>();
    trt.put("fp16", t.fp16().name().toLowerCase(Locale.ROOT));
    trt.put("workspaceBytes", t.workspaceBytes());
    trt.put("builderOptimizationLevel", t.builderOptimizationLevel());
    trt.put("engineCache", t.engineCache());
    trt.put("timingCache", t.timingCache());
    if (!t.cacheDir().equals(TensorRtOptions.DEFAULT_CACHE_DIR)) {
      trt.put("cacheDir", t.cacheDir().toAbsolutePath().toString());
    }
    trt.put("profileMinBatch", t.profileMinBatch());
    trt.put("profileOptBatch", t.profileOptBatch());
    trt.put("cudaGraph", t.cudaGraph());
    engine.put("tensorrt", trt);
    CudaOptions c = po.cuda();
    Map<String, Object> cuda = new LinkedHashMap<>();
    cuda.put("gpuMemLimitBytes", c.gpuMemLimitBytes());
    cuda.put("arenaExtendStrategy", c.arenaExtendStrategy());
    cuda.put("cudnnConvAlgoSearch", c.cudnnConvAlgoSearch());
    cuda.put("cudaGraph", c.cudaGraph());
    engine.put("cuda", cuda);
    out.put("engine", engine);
    out.put("batching", batching(m.batching()));
    return out;
  }

  private static Map<String, Object> batching(BatchPolicy p) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("maxBatchSize", p.maxBatchSize());
    b.put("maxQueueDelayMicros", p.maxQueueDelay().toNanos() / 1000);
    b.put("preferredBatchSizes", p.preferredBatchSizes());
    b.put("maxQueueSize", p.maxQueueSize());
    b.put("maxQueuedBytes", p.maxQueuedBytes());
    b.put("maxQueuedWorkMillis", p.maxQueuedWork().toMillis());
    b.put("defaultTimeoutMillis", p.defaultTimeout().toMillis());
    b.put("priorityLevels", p.priorityLevels());
    AdaptiveBatching a = p.adaptive();
    Map<String, Object> adaptive = new LinkedHashMap<>();
    adaptive.put("enabled", a.enabled());
    adaptive.put("latencyTargetMicros", a.latencyTarget().toNanos() / 1000);
    adaptive.put("minBatchSize", a.minBatchSize());
    adaptive.put("maxBatchSize", a.maxBatchSize());
    adaptive.put("additiveIncrease", a.additiveIncrease());
    adaptive.put("multiplicativeDecrease", a.multiplicativeDecrease());
    b.put("adaptive", adaptive);
    return b;
  }
}
