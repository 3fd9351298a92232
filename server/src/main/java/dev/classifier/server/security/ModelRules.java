package dev.classifier.server.security;

import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.ModelConfigRequest;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelMetadataRequest;
import dev.classifier.proto.inference.ModelReadyRequest;
import dev.classifier.proto.inference.ModelStatisticsRequest;
import dev.classifier.proto.v1.AdminGrpc;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ReloadModelRequest;
import io.grpc.MethodDescriptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which model a request message names, per gRPC method, so {@link AuthInterceptor} can check each
 * message (a unary request, every stream item) against the caller's allowed models. A front-end
 * registers its methods here (one line each); methods without a rule are allowed to every
 * authenticated caller (e.g. ListModels). An empty name means the default model.
 */
public final class ModelRules {
  private final Map<String, Function<Object, String>> byMethod = new ConcurrentHashMap<>();

  /** The rules of classifier.v1 (Classifier and Admin). */
  public static ModelRules classifierV1() {
    return new ModelRules()
        .register(ClassifierGrpc.getClassifyMethod(), ClassifyRequest::getModel)
        .register(ClassifierGrpc.getClassifyStreamMethod(), ClassifyStreamRequest::getModel)
        .register(ClassifierGrpc.getGetModelInfoMethod(), GetModelInfoRequest::getModel)
        .register(AdminGrpc.getReloadModelMethod(), ReloadModelRequest::getModel);
  }

  /**
   * Adds the Open Inference Protocol's methods that name a model (inference.GRPCInferenceService:
   * ModelInfer, ModelStreamInfer, ModelReady, ModelMetadata, ModelConfig, ModelStatistics).
   */
  public ModelRules withOpenInference() {
    return register(GRPCInferenceServiceGrpc.getModelInferMethod(), ModelInferRequest::getModelName)
        .register(
            GRPCInferenceServiceGrpc.getModelStreamInferMethod(), ModelInferRequest::getModelName)
        .register(GRPCInferenceServiceGrpc.getModelReadyMethod(), ModelReadyRequest::getName)
        .register(GRPCInferenceServiceGrpc.getModelMetadataMethod(), ModelMetadataRequest::getName)
        .register(GRPCInferenceServiceGrpc.getModelConfigMethod(), ModelConfigRequest::getName)
        .register(
            GRPCInferenceServiceGrpc.getModelStatisticsMethod(), ModelStatisticsRequest::getName);
  }

  /** Registers how {@code method}'s request message names its model. */
  @SuppressWarnings("unchecked")
  public <ReqT> ModelRules register(
      MethodDescriptor<ReqT, ?> method, Function<ReqT, String> model) {
    byMethod.put(method.getFullMethodName(), m -> model.apply((ReqT) m));
    return this;
  }

  /** The extractor for a method, or null when its messages name no model. */
  Function<Object, String> forMethod(String fullMethodName) {
    return byMethod.get(fullMethodName);
  }
}
