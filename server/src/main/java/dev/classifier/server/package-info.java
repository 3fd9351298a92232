/**
 * The inference server: process entry point ({@link dev.classifier.server.ServerMain}) and
 * lifecycle ({@link dev.classifier.server.ClassifierServer}: Netty transport, services, ordered
 * shutdown).
 *
 * <p>Start reading at {@code ClassifierServer}. Subpackages: {@code config} (validated settings),
 * {@code model} (loading models and their metadata), {@code engine} (ONNX Runtime batches), {@code
 * grpc} (the classifier.v1 services and the one place where failures become gRPC statuses).
 */
package dev.classifier.server;
