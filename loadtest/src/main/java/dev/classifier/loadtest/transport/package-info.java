/**
 * How requests reach a server: {@link dev.classifier.loadtest.transport.RequestSender} sends one
 * request and reports its gRPC status code once. Implementations: {@link
 * dev.classifier.loadtest.transport.UnarySender} (Classify over one or many channels), {@link
 * dev.classifier.loadtest.transport.StreamSender} (ClassifyStream, one stream per channel), {@link
 * dev.classifier.loadtest.transport.EchoSender} against the loopback {@link
 * dev.classifier.loadtest.transport.EchoServer} (same payload size, no model: the transport's own
 * cost). {@link dev.classifier.loadtest.transport.Inputs} prepares image tensors before timing.
 */
package dev.classifier.loadtest.transport;
