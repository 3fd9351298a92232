/**
 * Execution providers for GPU hosts: per-model TensorRT and CUDA settings ({@link
 * dev.classifier.server.engine.provider.ProviderOptions}), their translation into ONNX Runtime's
 * option keys and registration order ({@link
 * dev.classifier.server.engine.provider.ProviderPlanner}, pure and CPU-tested), the optimization
 * profile derived from the instance's batch bound, the engine cache key, the registration itself
 * ({@link dev.classifier.server.engine.provider.ProviderAppender}, the seam to ONNX Runtime's
 * option objects) and where nodes really ran ({@link
 * dev.classifier.server.engine.provider.NodePlacement}).
 */
package dev.classifier.server.engine.provider;
