package dev.classifier.server.engine;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Instance;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a measurement for a quiet machine, skipped unless {@code -Dprobe.copycost=true}.
 * Prints how long the batch copy takes (FLOAT32 with the non-finite check, and UINT8 widening)
 * against a whole batch run on the same instance, so the lead can check the copy stays under 2% of
 * a batch:
 *
 * <pre>
 * ./mvnw -o -pl server -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=CopyCostProbe \
 *     -Dprobe.copycost=true [-Dprobe.model=/abs/path/models/bench/mobilenet_v2/model.onnx]
 * </pre>
 *
 * It asserts nothing (timings are not test outcomes); read the {@code copy-cost:} lines in {@code
 * server/target/surefire-reports/dev.classifier.server.engine.CopyCostProbe-output.txt}.
 */
@EnabledIfSystemProperty(named = "probe.copycost", matches = "true")
class CopyCostProbe {
  private static final int BATCH = 8;
  private static final int COPIES = 2_000;
  private static final int RUNS = 50;

  @Test
  void printCopyCostAgainstABatch() throws Exception {
    String path = System.getProperty("probe.model", "");
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(BATCH).build();
    ModelConfig config =
        path.isEmpty()
            ? TestModels.embedded(policy, 1)
            : new ModelConfig(
                null, Path.of(path), null, null, policy, List.of("cpu"), 1, TestModels.cpu(), null);
    ServedModel model = TestModels.load(config);
    try (OnnxInstance instance = model.engine().create(new Instance("cpu", 0, BATCH))) {
      OnnxEngine engine = model.engine();
      int elements = (int) engine.signature().imageElements();
      Random random = new Random(1);
      byte[] floats = new byte[elements * 4];
      ByteBuffer fb = ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < elements; i++) {
        fb.putFloat(i * 4, random.nextFloat());
      }
      byte[] pixels = new byte[elements];
      random.nextBytes(pixels);
      ByteBuffer batch =
          ByteBuffer.allocateDirect(BATCH * elements * 4).order(ByteOrder.nativeOrder());
      InputCopy copy = new InputCopy(ElementType.FLOAT32, true, engine.widening, batch);
      InferenceInput f = InferenceInput.of(floats, ElementType.FLOAT32);
      InferenceInput u = InferenceInput.of(pixels, ElementType.UINT8);
      double floatNanos = copyNanos(copy, f, elements * 4);
      double uint8Nanos = engine.widening == null ? Double.NaN : copyNanos(copy, u, elements * 4);

      List<float[]> images = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        float[] v = new float[elements];
        fb.asFloatBuffer().get(v);
        images.add(v);
      }
      for (int i = 0; i < 5; i++) {
        instance.run(tasks(images));
      }
      long start = System.nanoTime();
      for (int i = 0; i < RUNS; i++) {
        instance.run(tasks(images));
      }
      double runNanos = (System.nanoTime() - start) / (double) RUNS;
      System.out.printf(
          "copy-cost: model %s, batch %d: run %.3f ms; copy FLOAT32 %.3f ms (%.2f%%), UINT8 widen"
              + " %.3f ms (%.2f%%) per batch (the run includes its copy)%n",
          path.isEmpty() ? "embedded" : path,
          BATCH,
          runNanos / 1e6,
          BATCH * floatNanos / 1e6,
          100 * BATCH * floatNanos / runNanos,
          BATCH * uint8Nanos / 1e6,
          100 * BATCH * uint8Nanos / runNanos);
    } finally {
      model.close();
    }
  }

  private static double copyNanos(InputCopy copy, InferenceInput in, int imageBytes) {
    for (int i = 0; i < COPIES; i++) {
      copy.copy(in, (i % BATCH) * imageBytes);
    }
    long start = System.nanoTime();
    for (int i = 0; i < COPIES; i++) {
      copy.copy(in, (i % BATCH) * imageBytes);
    }
    return (System.nanoTime() - start) / (double) COPIES;
  }

  private static List<BatchTask<InferenceInput, InferenceResult>> tasks(List<float[]> images) {
    List<BatchTask<InferenceInput, InferenceResult>> out = new ArrayList<>();
    for (float[] image : images) {
      out.add(new DirectTask(image));
    }
    return out;
  }
}
