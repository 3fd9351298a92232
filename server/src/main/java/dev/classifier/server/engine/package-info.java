/**
 * Runs batches through ONNX Runtime.
 *
 * <p>{@link dev.classifier.server.engine.OnnxEngine} is the engine seam the batcher calls: one
 * synchronous call per batch, on a worker thread, never on a Netty event loop. Each model instance
 * owns a reused direct input buffer, so a batch costs one copy in and no per-batch allocation of
 * input memory. {@link dev.classifier.server.engine.SessionFactory} builds sessions and is where
 * execution providers (CPU today; CUDA and TensorRT on GPU hosts) are chosen.
 */
package dev.classifier.server.engine;
