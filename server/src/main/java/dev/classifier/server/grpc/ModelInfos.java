package dev.classifier.server.grpc;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Instance;
import dev.classifier.proto.convert.PreprocessingSpecs;
import dev.classifier.proto.v1.BatchingInfo;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.InstanceInfo;
import dev.classifier.proto.v1.Layout;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.OutputKind;
import dev.classifier.proto.v1.TensorSpec;
import dev.classifier.server.engine.provider.DevicePlacement;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ModelSignature;
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
                    .setLayout(Layout.valueOf(layoutName(s)))
                    .addAllAcceptedDtypes(
                        m.engine().acceptedInputTypes().stream()
                            .map(t -> DataType.valueOf(t.name()))
                            .toList()))
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
      b.setPreprocessing(PreprocessingSpecs.toProto(m.preprocessing()));
    }
    for (Instance instance : m.instances()) {
      DevicePlacement placement = m.placement(instance.deviceId());
      b.addInstances(
          InstanceInfo.newBuilder()
              .setDevice(instance.deviceId())
              .setIndex(instance.index())
              .setProvider(placement.provider())
              .addAllRequestedProviders(placement.requested())
              .addAllNodeProviders(placement.nodeProviders())
              .setMaxBatchSize(instance.maxBatchSize()));
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
