/**
 * Runs batches through ONNX Runtime.
 *
 * <p>{@link dev.classifier.server.engine.OnnxEngine} is the model-level engine seam: the batcher's
 * {@link dev.classifier.batching.InstanceRunnerFactory}, creating one {@link
 * dev.classifier.server.engine.OnnxInstance} per batcher slot. Each instance owns its reused direct
 * input buffer, a lease on its device's session ({@link dev.classifier.server.engine.SessionPool},
 * reference-counted, each session closed exactly once) and its own {@code RunOptions}, so instances
 * never share memory and the watchdog can terminate one run. One synchronous call per batch, on a
 * worker thread, never on a Netty event loop; non-finite FLOAT32 input is rejected in the copy pass
 * and non-finite scores fail their image alone. {@link dev.classifier.server.engine.SessionFactory}
 * builds sessions and registers the execution providers planned for each device (CPU; TensorRT and
 * CUDA on GPU hosts: package {@code engine.provider}). {@link
 * dev.classifier.server.engine.CpuThreading} chooses the CPU threads; on an adaptive CPU device a
 * {@link dev.classifier.server.engine.WidthArbiter} sends a lone batch to the session with all of
 * them (wide) and concurrent batches to the instances' own half-width sessions (narrow).
 */
package dev.classifier.server.engine;
