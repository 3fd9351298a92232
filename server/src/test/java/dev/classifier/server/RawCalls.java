package dev.classifier.server;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Calls a server method with arbitrary request bytes (hostile-client tests). */
public final class RawCalls {
  private RawCalls() {}

  /** The bytes marshaller: what is sent is exactly what the test wrote. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static MethodDescriptor<byte[], byte[]> method(
      String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setFullMethodName(fullName)
        .setType(type)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** The status of a unary call sending {@code request}. */
  public static Status unary(Channel channel, String fullName, byte[] request) {
    try {
      ClientCalls.blockingUnaryCall(
          channel,
          method(fullName, MethodDescriptor.MethodType.UNARY),
          CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
          request);
      return Status.OK;
    } catch (io.grpc.StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** What a bidi stream answered to {@code messages} (then half-closed): responses and status. */
  public record StreamResult(List<byte[]> responses, Status status) {}

  public static StreamResult bidi(Channel channel, String fullName, List<byte[]> messages)
      throws Exception {
    ClientCall<byte[], byte[]> call =
        channel.newCall(
            method(fullName, MethodDescriptor.MethodType.BIDI_STREAMING),
            CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    List<byte[]> responses = new CopyOnWriteArrayList<>();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            responses.add(message);
            call.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    for (byte[] m : messages) {
      call.sendMessage(m);
    }
    call.halfClose();
    return new StreamResult(responses, closed.get(30, TimeUnit.SECONDS));
  }
}
