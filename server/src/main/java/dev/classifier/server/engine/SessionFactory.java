package dev.classifier.server.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.classifier.server.engine.provider.ProviderAppender;
import dev.classifier.server.engine.provider.ProviderPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds ONNX Runtime sessions: the session-wide settings ({@link #configure}) and the execution
 * providers of a {@link ProviderPlan} (TensorRT and CUDA on {@code gpu:N} devices, registered in
 * the plan's order through a {@link ProviderAppender}; CPU is ONNX Runtime's implicit last
 * provider).
 */
public final class SessionFactory {
  private final OrtEnvironment env;
  private final Supplier<EnumSet<OrtProvider>> available;
  private final ProviderAppender appender;

  public SessionFactory(OrtEnvironment env) {
    this(env, OrtEnvironment::getAvailableProviders, ProviderAppender.ort());
  }

  /**
   * @param available the providers this ONNX Runtime build has (tests substitute a GPU build's)
   * @param appender registers planned providers (tests substitute a recording one)
   */
  public SessionFactory(
      OrtEnvironment env, Supplier<EnumSet<OrtProvider>> available, ProviderAppender appender) {
    this.env = env;
    this.available = available;
    this.appender = appender;
  }

  /** A CPU session for {@code deviceId} "cpu" (GPU devices need a plan: the 4-argument form). */
  public OrtSession create(byte[] model, EngineOptions options, String deviceId)
      throws OrtException {
    if (!"cpu".equals(deviceId)) {
      throw new IllegalArgumentException(
          "device " + deviceId + " needs a provider plan (ProviderPlanner) for its session");
    }
    return create(model, options, ProviderPlan.cpu(), null);
  }

  /**
   * A session with {@code plan}'s providers.
   *
   * @param profilePrefix when not null, ONNX Runtime profiles the session's runs into a file with
   *     this prefix until {@link OrtSession#endProfiling()} (how placement is read); the caller
   *     must end it
   */
  public OrtSession create(
      byte[] model, EngineOptions options, ProviderPlan plan, Path profilePrefix)
      throws OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      configure(so, options);
      List<AutoCloseable> held = new ArrayList<>();
      try {
        for (ProviderPlan.Step step : plan.steps()) {
          requireAvailable(step.provider());
          held.add(appender.append(so, step));
        }
        if (profilePrefix != null) {
          so.enableProfiling(profilePrefix.toString());
        }
        return env.createSession(model, so);
      } finally {
        for (AutoCloseable c : held) {
          try {
            c.close();
          } catch (Exception e) {
            // provider options are applied by now; a failed release leaks a few bytes at most
          }
        }
      }
    }
  }

  /**
   * A CPU session without graph optimization, only for reading the model's signature before the GPU
   * sessions (whose providers depend on the input's shape) are built.
   */
  public OrtSession metadataSession(byte[] model) throws OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      return env.createSession(model, so);
    }
  }

  /**
   * Session-wide settings every device shares: graph optimization, execution mode, and the CPU
   * threading chosen from the machine ({@link CpuThreading}).
   */
  private static void configure(OrtSession.SessionOptions so, EngineOptions options)
      throws OrtException {
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    CpuThreading.forThisMachine(options.intraOpThreads()).applyTo(so);
  }

  private void requireAvailable(String provider) {
    OrtProvider wanted = provider.equals("tensorrt") ? OrtProvider.TENSOR_RT : OrtProvider.CUDA;
    EnumSet<OrtProvider> have = available.get();
    if (!have.contains(wanted)) {
      throw new IllegalStateException(
          "execution provider '"
              + provider
              + "' is not in this ONNX Runtime build (available: "
              + have
              + "); build with -Pgpu on a CUDA host or remove it from providers");
    }
  }
}
