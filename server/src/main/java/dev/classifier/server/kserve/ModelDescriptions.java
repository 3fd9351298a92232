package dev.classifier.server.kserve;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Instance;
import dev.classifier.proto.inference.DataType;
import dev.classifier.proto.inference.ModelConfig;
import dev.classifier.proto.inference.ModelDynamicBatching;
import dev.classifier.proto.inference.ModelInput;
import dev.classifier.proto.inference.ModelInstanceGroup;
import dev.classifier.proto.inference.ModelMetadataResponse;
import dev.classifier.proto.inference.ModelMetadataResponse.TensorMetadata;
import dev.classifier.proto.inference.ModelOutput;
import dev.classifier.proto.inference.ModelParameter;
import dev.classifier.proto.inference.ModelQueuePolicy;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ModelSignature;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A served model as the Open Inference Protocol describes it: metadata (datatype strings, -1 for
 * the batch dimension) and Triton's model configuration (platform {@value #PLATFORM}, the batch
 * policy as dynamic batching settings, instances grouped by device).
 */
final class ModelDescriptions {
  static final String PLATFORM = "onnxruntime_onnx";
  static final String BACKEND = "onnxruntime";

  /**
   * Model-config parameter listing the input datatypes accepted, comma-separated, the model's own
   * first: {@code FP32,UINT8} where an FP32 model also takes raw uint8 pixels and normalises them.
   */
  static final String ACCEPTED_INPUT_DATATYPES = "accepted_input_datatypes";

  private ModelDescriptions() {}

  static ModelMetadataResponse metadata(ServedModel m) {
    ModelSignature s = m.signature();
    TensorMetadata.Builder in =
        TensorMetadata.newBuilder()
            .setName(s.inputName())
            .setDatatype(Datatypes.name(s.inputType()))
            .addShape(-1);
    for (long d : s.imageShape()) {
      in.addShape(d);
    }
    return ModelMetadataResponse.newBuilder()
        .setName(m.name())
        .addVersions(m.version())
        .setPlatform(PLATFORM)
        .addInputs(in)
        .addOutputs(
            TensorMetadata.newBuilder()
                .setName(s.outputName())
                .setDatatype(Datatypes.FP32)
                .addShape(-1)
                .addShape(s.numClasses()))
        .build();
  }

  static ModelConfig config(ServedModel m) {
    ModelSignature s = m.signature();
    BatchPolicy p = m.policy();
    ModelInput.Builder in =
        ModelInput.newBuilder()
            .setName(s.inputName())
            .setDataType(Datatypes.configType(s.inputType()))
            .setFormat(
                switch (s.layout()) {
                  case NCHW -> ModelInput.Format.FORMAT_NCHW;
                  case NHWC -> ModelInput.Format.FORMAT_NHWC;
                  default -> ModelInput.Format.FORMAT_NONE;
                });
    for (long d : s.imageShape()) {
      in.addDims(d);
    }
    ModelConfig.Builder b =
        ModelConfig.newBuilder()
            .putParameters(
                ACCEPTED_INPUT_DATATYPES,
                ModelParameter.newBuilder()
                    .setStringValue(
                        String.join(
                            ",",
                            m.engine().acceptedInputTypes().stream().map(Datatypes::name).toList()))
                    .build())
            .setName(m.name())
            .setPlatform(PLATFORM)
            .setBackend(BACKEND)
            .setMaxBatchSize(p.maxBatchSize())
            .addInput(in)
            .addOutput(
                ModelOutput.newBuilder()
                    .setName(s.outputName())
                    .setDataType(DataType.TYPE_FP32)
                    .addDims(s.numClasses())
                    .setLabelFilename(m.labelSource()))
            .setDynamicBatching(
                ModelDynamicBatching.newBuilder()
                    .addAllPreferredBatchSize(p.preferredBatchSizes())
                    .setMaxQueueDelayMicroseconds(p.maxQueueDelay().toNanos() / 1000)
                    .setPriorityLevels(p.priorityLevels())
                    .setDefaultPriorityLevel(1)
                    .setDefaultQueuePolicy(
                        ModelQueuePolicy.newBuilder()
                            .setTimeoutAction(ModelQueuePolicy.TimeoutAction.REJECT)
                            .setDefaultTimeoutMicroseconds(p.defaultTimeout().toNanos() / 1000)
                            .setAllowTimeoutOverride(true)
                            .setMaxQueueSize(p.maxQueueSize())));
    Map<String, Integer> perDevice = new LinkedHashMap<>();
    for (Instance i : m.instances()) {
      perDevice.merge(i.deviceId(), 1, Integer::sum);
    }
    int group = 0;
    for (Map.Entry<String, Integer> e : perDevice.entrySet()) {
      ModelInstanceGroup.Builder g =
          ModelInstanceGroup.newBuilder().setName(m.name() + "_" + group++).setCount(e.getValue());
      String device = e.getKey().toLowerCase(Locale.ROOT);
      if (device.startsWith("cpu")) {
        g.setKind(ModelInstanceGroup.Kind.KIND_CPU);
      } else {
        g.setKind(ModelInstanceGroup.Kind.KIND_GPU);
        int colon = device.lastIndexOf(':');
        if (colon >= 0) {
          try {
            g.addGpus(Integer.parseInt(device.substring(colon + 1)));
          } catch (NumberFormatException ignored) {
            // a device id without an ordinal: the group lists no GPU
          }
        }
      }
      b.addInstanceGroup(g);
    }
    return b.build();
  }
}
