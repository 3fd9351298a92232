/**
 * Accuracy through the whole serving path: the committed Fashion-MNIST model evaluated over a real
 * Netty server must give exactly the Top-1/Top-5 of a direct ONNX Runtime run of the same tensors.
 */
package dev.classifier.server.accuracy;
