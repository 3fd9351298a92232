package dev.classifier.loadtest.transport;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Echo calls carrying {@code requestBytes} and asking for {@code responseBytes} back. */
public final class EchoSender implements RequestSender {
  private final ManagedChannel channel;
  private final byte[] payload;
  private final int imagesPerRequest;

  public EchoSender(String target, int requestBytes, int responseBytes, int imagesPerRequest) {
    this.channel =
        NettyChannelBuilder.forTarget(target)
            .usePlaintext()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    this.payload = new byte[Math.max(4, requestBytes)];
    ByteBuffer.wrap(payload).putInt(responseBytes);
    this.imagesPerRequest = imagesPerRequest;
  }

  @Override
  public void send(Consumer<String> done) {
    Futures.addCallback(
        ClientCalls.futureUnaryCall(
            channel.newCall(EchoServer.METHOD, CallOptions.DEFAULT), payload),
        new FutureCallback<byte[]>() {
          @Override
          public void onSuccess(byte[] result) {
            done.accept("OK");
          }

          @Override
          public void onFailure(Throwable t) {
            done.accept(StatusCodes.of(t));
          }
        },
        MoreExecutors.directExecutor());
  }

  @Override
  public int imagesPerRequest() {
    return imagesPerRequest;
  }

  @Override
  public String transport() {
    return "echo";
  }

  @Override
  public int requestBytes() {
    return payload.length;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown();
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
      channel.shutdownNow();
    }
  }
}
