package dev.classifier.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Waiting for readiness: returns once 'ready' turns SERVING, false at the timeout. */
class ReadinessWaitTest {

  @Test
  void returnsOnceReadyTurnsServingAndTimesOutOtherwise() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(ReadinessWait.READINESS, ServingStatus.NOT_SERVING);
    AtomicInteger checks = new AtomicInteger();
    ServerInterceptor counting =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            checks.incrementAndGet();
            return next.startCall(call, headers);
          }
        };
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(health.getHealthService(), counting))
            .build()
            .start();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      assertThat(ReadinessWait.await(channel, Duration.ofMillis(100))).isFalse();

      CompletableFuture<Boolean> waiting =
          CompletableFuture.supplyAsync(() -> ReadinessWait.await(channel, Duration.ofSeconds(60)));
      int before = checks.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> checks.get() >= before + 2);
      assertThat(waiting).isNotDone();
      health.setStatus(ReadinessWait.READINESS, ServingStatus.SERVING);
      assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
