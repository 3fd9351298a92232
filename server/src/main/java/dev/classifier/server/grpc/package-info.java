/**
 * The classifier.v1 gRPC services: thin translators over {@link
 * dev.classifier.server.core.InferenceCore}.
 *
 * <p>{@link dev.classifier.server.grpc.GrpcRequests} turns messages into core requests, {@link
 * dev.classifier.server.grpc.ResponseRendering} renders outcomes, and {@link
 * dev.classifier.server.grpc.Statuses} is the one place where a failure becomes a gRPC status
 * (never UNKNOWN, descriptions bounded). Handlers never block, so they may run on Netty event
 * loops. {@link dev.classifier.server.grpc.ClassifyStreamCall} handles one bidirectional stream:
 * every item gets exactly one entry (result or ItemError), which returns its window credit. The
 * flow control itself (the window of outstanding items, writes only while the transport is ready,
 * how a stream ends) is {@link dev.classifier.server.grpc.StreamWindow}, which the Open Inference
 * Protocol's ModelStreamInfer uses too.
 */
package dev.classifier.server.grpc;
