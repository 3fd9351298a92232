/**
 * The classifier.v1 gRPC services.
 *
 * <p>Handlers validate ({@link dev.classifier.server.grpc.RequestReader}), submit to the model's
 * batcher and return at once: they never block, so they may run on Netty event loops. Answers are
 * written from batcher worker threads. {@link dev.classifier.server.grpc.Statuses} is the one place
 * where a failure becomes a gRPC status. {@link dev.classifier.server.grpc.ClassifyStreamCall} holds
 * one bidirectional stream's flow-control state.
 *
 * <p>Encoded images ({@code ImageInput.encoded}) take one extra, bounded stage before the batcher:
 * {@link dev.classifier.server.grpc.ImageDecoding} decodes and preprocesses them on its own
 * executor (never on the transport thread), {@link dev.classifier.server.grpc.RequestInputs} keeps
 * a request's images in order while they decode, and {@link dev.classifier.server.grpc.Chain}
 * links decode and batcher so that cancelling a request cancels whichever stage it is in.
 */
package dev.classifier.server.grpc;
