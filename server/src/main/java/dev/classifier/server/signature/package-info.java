/**
 * What a model takes and gives, read from its ONNX graph: {@link
 * dev.classifier.server.signature.ModelSignature} (input name, shape, element type, layout, class
 * count), {@link dev.classifier.server.signature.ElementType} and {@link
 * dev.classifier.server.signature.TensorLayout}. A leaf package: the engine, its provider planning,
 * model loading and the protocol front ends all read signatures, and none of them is below another
 * here, so the signature types depend on nothing in the server.
 */
package dev.classifier.server.signature;
