package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.client.ClassifierClient;
import dev.classifier.proto.inference.GrpcServiceProto;
import dev.classifier.proto.inference.ModelConfigProto;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Prediction;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client on another gRPC stack: python3-grpcio (C core) calls ServerLive, ServerReady,
 * ServerMetadata, ModelMetadata and ModelInfer (raw and typed, classification extension) as a real
 * process against a real Netty server, with messages built by field name from this proto's
 * descriptors. Skipped, with the reason, where {@code /usr/bin/python3} lacks the grpc module
 * (Debian: {@code apt-get install python3-grpcio}).
 */
class PythonGrpcClientTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;

  private static boolean pythonGrpc() {
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import grpc, google.protobuf")
              .redirectErrorStream(true)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void pythonGrpcioClientGetsTheSameProbabilitiesAsClassify() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PYTHON) && pythonGrpc(),
        "skipped: /usr/bin/python3 with the grpc module is needed (apt-get install python3-grpcio)");
    Path descriptors = dir.resolve("inference.pb");
    Files.write(
        descriptors,
        FileDescriptorSet.newBuilder()
            .addFile(ModelConfigProto.getDescriptor().toProto())
            .addFile(GrpcServiceProto.getDescriptor().toProto())
            .build()
            .toByteArray());
    Path script = Path.of(getClass().getResource("/kserve/python_client.py").toURI());
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(8).build();
    try (ClassifierServer server =
            new ClassifierServer(ServerConfig.of(0, List.of(TestModels.embedded(policy, 1))))
                .start();
        ClassifierClient client =
            ClassifierClient.connect("127.0.0.1:" + server.port(), Duration.ofSeconds(30))) {
      Process p =
          new ProcessBuilder(
                  PYTHON.toString(),
                  script.toString(),
                  "127.0.0.1:" + server.port(),
                  descriptors.toString(),
                  "fashion-mnist")
              .redirectError(dir.resolve("stderr.txt").toFile())
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();
      JsonNode json = new ObjectMapper().readTree(out);

      ClassifyResponse expected =
          client.classify(
              ClassifyRequest.newBuilder()
                  .setModel("fashion-mnist")
                  .setTopK(10)
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
      float[] reference = new float[10];
      for (Prediction pr : expected.getResults(0).getPredictionsList()) {
        reference[pr.getIndex()] = pr.getProbability();
      }

      assertThat(json.get("live").asBoolean()).isTrue();
      assertThat(json.get("ready").asBoolean()).isTrue();
      assertThat(json.get("extensions").toString()).contains("classification");
      assertThat(json.get("input").toString()).isEqualTo("[\"input\",\"FP32\",[-1,1,28,28]]");
      assertThat(json.get("id").asText()).isEqualTo("py-1");
      assertThat(json.get("shape").toString()).isEqualTo("[2,10]");
      JsonNode probs = json.get("probabilities");
      assertThat(probs.size()).isEqualTo(20);
      for (int i = 0; i < 20; i++) {
        assertThat((float) probs.get(i).asDouble()).isCloseTo(reference[i % 10], within(1e-6f));
      }
      assertThat(json.get("classification_id").asText()).isEqualTo("py-2");
      assertThat(json.get("classification_shape").toString()).isEqualTo("[1,3]");
      Prediction best = expected.getResults(0).getPredictions(0);
      assertThat(json.get("classification").get(0).asText())
          .isEqualTo(best.getProbability() + ":" + best.getIndex() + ":" + best.getLabel());
    }
  }
}
