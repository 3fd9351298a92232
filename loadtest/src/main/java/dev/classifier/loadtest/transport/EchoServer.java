package dev.classifier.loadtest.transport;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC service with one unary method that answers at once, on the event loop, with as many bytes
 * as the request's first 4 bytes (big-endian) ask for. Loaded with requests of the classifier's
 * payload size it measures what gRPC itself costs on this machine. Listens on 127.0.0.1 only.
 */
public final class EchoServer implements AutoCloseable {
  static final MethodDescriptor<byte[], byte[]> METHOD =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("loadtest.Echo/Echo")
          .setRequestMarshaller(BytesMarshaller.INSTANCE)
          .setResponseMarshaller(BytesMarshaller.INSTANCE)
          .build();

  /** Largest response the echo service will build. */
  static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final Server server;

  private EchoServer(Server server) {
    this.server = server;
  }

  /** Starts on an ephemeral loopback port. */
  public static EchoServer start() throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("loadtest.Echo")
            .addMethod(
                METHOD,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      int size = request.length >= 4 ? ByteBuffer.wrap(request, 0, 4).getInt() : 0;
                      response.onNext(new byte[Math.max(0, Math.min(size, MAX_RESPONSE_BYTES))]);
                      response.onCompleted();
                    }))
            .build();
    Server s =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .addService(service)
            .build()
            .start();
    return new EchoServer(s);
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
  }
}
