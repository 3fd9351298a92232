/**
 * The Java client library for classifier.v1.
 *
 * <p>{@link dev.classifier.client.ClassifierClient} is the entry point: blocking and asynchronous
 * classification, model discovery, and image files turned into the tensors a model wants using the
 * preprocessing spec the server publishes ({@link dev.classifier.client.ImageEncoder}).
 * {@link dev.classifier.client.StreamingClassifier} keeps one bidirectional stream open with a
 * bounded window of in-flight images (backpressure).
 */
package dev.classifier.client;
