package dev.classifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The service config of {@link ChannelOptions} run by gRPC's own retry machinery against a scripted
 * server: which codes are retried, how many attempts are made.
 */
class RetryPolicyTest {
  private final AtomicInteger attempts = new AtomicInteger();
  private final Deque<Status> script = new ArrayDeque<>();
  private Server server;
  private ManagedChannel channel;

  private ClassifierClient client(int retryAttempts) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new ClassifierGrpc.ClassifierImplBase() {
                  @Override
                  public void classify(
                      ClassifyRequest request, StreamObserver<ClassifyResponse> out) {
                    attempts.incrementAndGet();
                    Status next = script.isEmpty() ? Status.OK : script.poll();
                    if (next.isOk()) {
                      out.onNext(ClassifyResponse.getDefaultInstance());
                      out.onCompleted();
                    } else {
                      out.onError(next.asRuntimeException());
                    }
                  }
                })
            .build()
            .start();
    ChannelOptions options =
        new ChannelOptions(
            "pick_first",
            retryAttempts,
            java.time.Duration.ofMillis(1),
            java.time.Duration.ofMillis(5));
    channel =
        InProcessChannelBuilder.forName(name)
            .directExecutor()
            .defaultServiceConfig(options.serviceConfig())
            .enableRetry()
            .build();
    return new ClassifierClient(channel, true, java.time.Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void unavailableAndResourceExhaustedAreRetriedUntilSuccess() throws Exception {
    ClassifierClient c = client(3);
    script.addAll(List.of(Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED, Status.UNAVAILABLE));
    c.classify(ClassifyRequest.getDefaultInstance());
    assertThat(attempts).hasValue(4);
  }

  @Test
  void retriesStopAtTheConfiguredAttempts() throws Exception {
    ClassifierClient c = client(1);
    script.addAll(List.of(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE));
    assertThatThrownBy(() -> c.classify(ClassifyRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(attempts).hasValue(2);
  }

  @Test
  void invalidArgumentAndOtherFinalCodesAreNeverRetried() throws Exception {
    ClassifierClient c = client(4);
    for (Status final_ :
        List.of(
            Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.INTERNAL, Status.DEADLINE_EXCEEDED)) {
      attempts.set(0);
      script.add(final_);
      assertThatThrownBy(() -> c.classify(ClassifyRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(final_.getCode());
      assertThat(attempts).as(final_.getCode().name()).hasValue(1);
    }
  }

  @Test
  void withoutRetriesOneAttempt() throws Exception {
    ClassifierClient c = client(0);
    script.add(Status.UNAVAILABLE);
    assertThatThrownBy(() -> c.classify(ClassifyRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(attempts).hasValue(1);
  }
}
