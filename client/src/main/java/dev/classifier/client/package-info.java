/**
 * The Java client library for classifier.v1.
 *
 * <p>{@link dev.classifier.client.ClassifierClient} is the entry point: blocking and asynchronous
 * classification, model discovery, and image files turned into the tensors a model wants using the
 * preprocessing spec the server publishes ({@link dev.classifier.client.ImageEncoder}). {@link
 * dev.classifier.client.StreamingClassifier} keeps one bidirectional stream open with a bounded
 * window of in-flight images (backpressure).
 *
 * <p>This package is the whole {@code classifier-client} artifact: gRPC (Netty), protobuf, the
 * proto and imaging modules, nothing else, so a backend service can depend on it. The command line
 * ({@code dev.classifier.client.cli}, {@code dev.classifier.client.eval}) is the {@code
 * classifier-client-cli} module.
 */
package dev.classifier.client;
