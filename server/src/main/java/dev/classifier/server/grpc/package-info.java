/**
 * The classifier.v1 gRPC services.
 *
 * <p>Handlers validate ({@link dev.classifier.server.grpc.RequestReader}), submit to the model's
 * batcher and return at once: they never block, so they may run on Netty event loops. Answers are
 * written from batcher worker threads. {@link dev.classifier.server.grpc.Statuses} is the one place
 * where a failure becomes a gRPC status. {@link dev.classifier.server.grpc.ClassifyStreamCall} holds
 * one bidirectional stream's flow-control state.
 */
package dev.classifier.server.grpc;
