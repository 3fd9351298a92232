package dev.classifier.server.grpc;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.BatchingInfo;
import dev.classifier.proto.v1.ColorMode;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.Interpolation;
import dev.classifier.proto.v1.Layout;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.OutputKind;
import dev.classifier.proto.v1.PreprocessingSpec;
import dev.classifier.proto.v1.TensorSpec;
import dev.classifier.server.config.Preprocessing;
import dev.classifier.server.engine.ModelSignature;
import dev.classifier.server.model.ServedModel;
import java.util.Arrays;

/** Describes a served model as a {@link ModelInfo} message. */
public final class ModelInfos {
  private ModelInfos() {}

  public static ModelInfo describe(ServedModel m, boolean isDefault) {
    ModelSignature s = m.signature();
    BatchPolicy p = m.policy();
    ModelInfo.Builder b =
        ModelInfo.newBuilder()
            .setName(m.name())
            .setVersion(m.version())
            .setInput(
                TensorSpec.newBuilder()
                    .setName(s.inputName())
                    .setDtype(DataType.valueOf(s.inputType().name()))
                    .addAllShape(Arrays.stream(s.inputShape()).boxed().toList())
                    .setLayout(Layout.valueOf(layoutName(s))))
            .setOutput(
                TensorSpec.newBuilder()
                    .setName(s.outputName())
                    .setDtype(DataType.FLOAT32)
                    .addAllShape(Arrays.stream(s.outputShape()).boxed().toList())
                    .setLayout(Layout.LAYOUT_OTHER))
            .setNumClasses(s.numClasses())
            .setLabelSource(m.labelSource())
            .addAllLabels(m.labels())
            .setOutputKind(OutputKind.valueOf(m.outputKind().name()))
            .setDynamicBatch(s.dynamicBatch())
            .setBatching(
                BatchingInfo.newBuilder()
                    .setMaxBatchSize(p.maxBatchSize())
                    .setMaxQueueDelayMicros(p.maxQueueDelay().toNanos() / 1000)
                    .addAllPreferredBatchSizes(p.preferredBatchSizes())
                    .setMaxQueueSize(p.maxQueueSize())
                    .setInstances(m.instances().size())
                    .setPriorityLevels(p.priorityLevels()))
            .setIsDefault(isDefault);
    if (m.preprocessing() != null) {
      b.setPreprocessing(spec(m.preprocessing()));
    }
    return b.build();
  }

  static PreprocessingSpec spec(Preprocessing p) {
    PreprocessingSpec.Builder b =
        PreprocessingSpec.newBuilder()
            .setWidth(p.width())
            .setHeight(p.height())
            .setColorMode(ColorMode.valueOf(p.colorMode()))
            .setResizeShorterSide(p.resizeShorterSide())
            .setInterpolation(Interpolation.valueOf(p.interpolation()))
            .setCenterCrop(p.centerCrop())
            .setScale(p.scale())
            .setLayout(Layout.valueOf(p.layout()))
            .setDtype(DataType.valueOf(p.dtype()));
    for (float v : p.mean()) {
      b.addMean(v);
    }
    for (float v : p.std()) {
      b.addStd(v);
    }
    return b.build();
  }

  private static String layoutName(ModelSignature s) {
    return switch (s.layout()) {
      case NCHW -> "NCHW";
      case NHWC -> "NHWC";
      case OTHER -> "LAYOUT_OTHER";
    };
  }
}
