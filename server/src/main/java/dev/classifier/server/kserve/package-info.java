/**
 * The Open Inference Protocol (KServe v2 predict API, Triton's {@code inference} gRPC package)
 * front-end: translates {@code ModelInferRequest}s into images for the same admission path as
 * classifier.v1 ({@link dev.classifier.server.core.InferenceCore}), renders results as output
 * tensors and the classification extension, and answers metadata, readiness, configuration and
 * statistics calls from the model registry. Validation failures are {@link
 * dev.classifier.server.core.InvalidRequestException}s, mapped to statuses in one place ({@link
 * dev.classifier.server.grpc.Statuses}).
 */
package dev.classifier.server.kserve;
