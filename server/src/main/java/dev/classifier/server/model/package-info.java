/**
 * Models as the server knows them: where they come from ({@link
 * dev.classifier.server.model.ModelSource}), their manifest (labels, output kind, preprocessing),
 * the input/output signature read from the ONNX graph ({@link
 * dev.classifier.server.signature.ModelSignature}), and the served model that ties a session, its
 * batcher and its metadata together ({@link dev.classifier.server.model.ServedModel}).
 *
 * <p>{@link dev.classifier.server.model.ModelLoader} turns configuration into served models; {@link
 * dev.classifier.server.model.ModelRegistry} answers "which model does this request mean".
 */
package dev.classifier.server.model;
