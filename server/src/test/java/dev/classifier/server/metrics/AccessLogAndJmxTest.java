package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ListModelsRequest;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One access-log line per call only when asked for; metrics as JMX MBeans only when asked for. */
class AccessLogAndJmxTest {

  @Test
  void accessLogAndJmxAreOptIn() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger(GrpcMetricsInterceptor.ACCESS_LOGGER);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      callTwice(ServerConfig.of(0, List.of(model())));
      assertThat(lines.list).as("no per-request logging by default").isEmpty();
      assertThat(jmxBeans()).isEmpty();

      callTwice(ServerConfig.of(0, List.of(model())).toBuilder().accessLog(true).jmx(true).build());
      assertThat(jmxBeans()).as("unregistered at stop").isEmpty();
      assertThat(lines.list).hasSize(2);
      assertThat(lines.list.get(0).getFormattedMessage())
          .startsWith("method=Classifier/Classify code=OK model=- images=1 duration_ms=")
          .contains("peer=/127.0.0.1:");
      assertThat(lines.list.get(1).getFormattedMessage())
          .startsWith("method=Classifier/ListModels code=OK");
    } finally {
      access.detachAppender(lines);
    }
  }

  private static dev.classifier.server.config.ModelConfig model() {
    return TestModels.embedded(BatchPolicy.builder().build(), 1);
  }

  private static void callTwice(ServerConfig config) throws Exception {
    try (ClassifierServer server = new ClassifierServer(config).start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        ClassifierGrpc.ClassifierBlockingStub stub = ClassifierGrpc.newBlockingStub(channel);
        stub.classify(
            ClassifyRequest.newBuilder().addImages(Tensors.randomMnist(new Random(1))).build());
        stub.listModels(ListModelsRequest.getDefaultInstance());
        if (config.jmx()) {
          assertThat(jmxBeans())
              .extracting(n -> n.getKeyProperty("name"))
              .contains(MetricNames.model("fashion-mnist", "batch_size"));
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static java.util.Set<ObjectName> jmxBeans() throws Exception {
    return ManagementFactory.getPlatformMBeanServer()
        .queryNames(new ObjectName(MetricsExporter.JMX_DOMAIN + ":*"), null);
  }
}
