package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferRequest.InferInputTensor;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.Accounting;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.RawCalls;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.ops.Scrape;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * /metrics over real HTTP counts both protocols on one server: gRPC calls labelled by protocol,
 * per-model requests and invalid rejects from classifier.v1 calls, ModelInfer calls and
 * ModelStreamInfer items alike.
 */
class KServeMetricsTest {
  private static final String MODEL = "fashion-mnist";

  private static ModelInferRequest infer(int bytes) {
    return ModelInferRequest.newBuilder()
        .setModelName(MODEL)
        .addInputs(
            InferInputTensor.newBuilder()
                .setName("input")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(1)
                .addShape(28)
                .addShape(28))
        .addRawInputContents(ByteString.copyFrom(new byte[bytes]))
        .build();
  }

  @Test
  void bothProtocolsAreCountedAndLabelled() throws Exception {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(8).build();
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))).toBuilder()
            .metricsPort(0)
            .build();
    try (ClassifierServer server = new ClassifierServer(config).start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        var classifier = ClassifierGrpc.newBlockingStub(channel);
        var kserve = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        for (int i = 0; i < 3; i++) {
          classifier.classify(
              ClassifyRequest.newBuilder()
                  .setModel(MODEL)
                  .addImages(
                      ImageInput.newBuilder()
                          .setTensor(
                              Tensor.newBuilder()
                                  .setDtype(DataType.FLOAT32)
                                  .addShape(1)
                                  .addShape(28)
                                  .addShape(28)
                                  .setData(ByteString.copyFrom(new byte[784 * 4]))))
                  .build());
        }
        kserve.modelInfer(infer(784 * 4));
        kserve.modelInfer(infer(784 * 4));
        assertThatThrownBy(() -> kserve.modelInfer(infer(5)));

        List<ModelStreamInferResponse> answers = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ModelInferRequest> stream =
            GRPCInferenceServiceGrpc.newStub(channel)
                .modelStreamInfer(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(ModelStreamInferResponse r) {
                        answers.add(r);
                      }

                      @Override
                      public void onError(Throwable t) {
                        done.countDown();
                      }

                      @Override
                      public void onCompleted() {
                        done.countDown();
                      }
                    });
        stream.onNext(infer(784 * 4).toBuilder().setId("ok").build());
        stream.onNext(infer(7).toBuilder().setId("bad").build());
        stream.onCompleted();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(answers).hasSize(2);

        Scrape s = Scrape.of("127.0.0.1", server.metricsPort());
        String kserveInfer = "method=\"GRPCInferenceService/ModelInfer\",protocol=\"kserve\"}";
        assertThat(s.value("classifier_grpc_requests_total{code=\"OK\"," + kserveInfer))
            .isEqualTo(2);
        assertThat(
                s.value("classifier_grpc_requests_total{code=\"INVALID_ARGUMENT\"," + kserveInfer))
            .isEqualTo(1);
        assertThat(
                s.value(
                    "classifier_grpc_requests_total{code=\"OK\",method=\"GRPCInferenceService/ModelStreamInfer\",protocol=\"kserve\"}"))
            .isEqualTo(1);
        assertThat(
                s.value(
                    "classifier_grpc_requests_total{code=\"OK\",method=\"Classifier/Classify\",protocol=\"classifier\"}"))
            .isEqualTo(3);
        assertThat(s.value("classifier_grpc_latency_seconds_count{" + kserveInfer)).isEqualTo(3);
        String m = "model=\"" + MODEL + "\"";
        // 3 Classify + 3 ModelInfer + 2 stream items; invalid: one unary, one stream item
        assertThat(s.value("classifier_requests_total{" + m + "}")).isEqualTo(8);
        assertThat(s.value("classifier_rejected_total{" + m + ",reason=\"invalid\"}")).isEqualTo(2);
        assertThat(s.value("classifier_latency_seconds_count{" + m + "}")).isEqualTo(6);

        // bytes that are no ModelInferRequest: INVALID_ARGUMENT (unary), an error entry (stream)
        byte[] garbage = {(byte) 0xff, (byte) 0xff, 0x01, 0x02};
        Status unary =
            RawCalls.unary(channel, "inference.GRPCInferenceService/ModelInfer", garbage);
        assertThat(unary.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        RawCalls.StreamResult streamed =
            RawCalls.bidi(
                channel,
                "inference.GRPCInferenceService/ModelStreamInfer",
                List.of(garbage, infer(784 * 4).toByteArray()));
        assertThat(streamed.status().getCode()).isEqualTo(Status.Code.OK);
        assertThat(streamed.responses()).hasSize(2);
        List<String> errors = new java.util.ArrayList<>();
        for (byte[] b : streamed.responses()) {
          errors.add(ModelStreamInferResponse.parseFrom(b).getErrorMessage());
        }
        assertThat(errors)
            .anyMatch(e -> e.startsWith("INVALID_ARGUMENT: the request is not a valid"));
        assertThat(errors).contains("");
        // every call received was answered once; nothing left in flight
        Accounting a = Accounting.settled(server);
        assertThat(a.received("GRPCInferenceService/ModelInfer")).isEqualTo(4);
        assertThat(a.answered("GRPCInferenceService/ModelInfer", "INVALID_ARGUMENT")).isEqualTo(2);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
