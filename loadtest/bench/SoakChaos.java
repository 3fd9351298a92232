// Bad input and cancels mixed into a soak run (loadtest/bench/soak.sh). Single-file program:
//   java -cp loadtest/target/classifier-loadtest.jar loadtest/bench/SoakChaos.java HOST:PORT SECONDS [EVERY_MS]
// Every EVERY_MS (default 500) it sends: random bytes and a truncated message to Classify
// (expect INVALID_ARGUMENT), a call cancelled right after sending (CANCELLED), a stream cancelled
// after 5 items, a stream item with timeout_micros=1 (DEADLINE_EXCEEDED item error) and a 100 KB
// model name (NOT_FOUND). Prints the codes it saw; exits 1 if any was UNKNOWN or INTERNAL.
import com.google.protobuf.ByteString;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.Tensor;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public class SoakChaos {
  static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();

  static void saw(String what, Status.Code code) {
    SEEN.computeIfAbsent(what + " " + code, k -> new AtomicInteger()).incrementAndGet();
  }

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        public InputStream stream(byte[] v) {
          return new ByteArrayInputStream(v);
        }

        public byte[] parse(InputStream s) {
          try {
            return s.readAllBytes();
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> RAW_CLASSIFY =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setFullMethodName("classifier.v1.Classifier/Classify")
          .setType(MethodDescriptor.MethodType.UNARY)
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  /** Sends one raw message, half-closes, optionally cancels at once; records the status. */
  static void raw(ManagedChannel ch, String what, byte[] body, boolean cancel) {
    ClientCall<byte[], byte[]> call =
        ch.newCall(RAW_CLASSIFY, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            saw(what, status.getCode());
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage(body);
    call.halfClose();
    if (cancel) {
      call.cancel("soak chaos cancels", null);
    }
  }

  public static void main(String[] args) throws Exception {
    String[] hp = args[0].split(":");
    long seconds = Long.parseLong(args[1]);
    long every = args.length > 2 ? Long.parseLong(args[2]) : 500;
    ManagedChannel ch =
        ManagedChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().build();
    ModelInfo info =
        ClassifierGrpc.newBlockingStub(ch)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .getModelInfo(GetModelInfoRequest.getDefaultInstance());
    Tensor.Builder t = Tensor.newBuilder().setDtype(info.getInput().getDtype());
    long elements = 1;
    for (int i = 1; i < info.getInput().getShapeCount(); i++) {
      long d = Math.max(1, info.getInput().getShape(i));
      t.addShape(d);
      elements *= d;
    }
    int bytes = (int) elements * (info.getInput().getDtype().name().equals("UINT8") ? 1 : 4);
    ImageInput image = ImageInput.newBuilder().setTensor(t.setData(ByteString.copyFrom(new byte[bytes]))).build();
    byte[] valid = ClassifyRequest.newBuilder().addImages(image).build().toByteArray();
    Random r = new Random(42);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      byte[] garbage = new byte[64 + r.nextInt(512)];
      r.nextBytes(garbage);
      raw(ch, "garbage", garbage, false);
      raw(ch, "truncated", java.util.Arrays.copyOf(valid, valid.length / 2), false);
      raw(ch, "cancelled", valid, true);
      raw(ch, "unknown-model", ClassifyRequest.newBuilder().setModel("m".repeat(100_000)).addImages(image).build().toByteArray(), false);
      ClientResponseObserver<ClassifyStreamRequest, ClassifyStreamResponse> obs =
          new ClientResponseObserver<>() {
            ClientCallStreamObserver<ClassifyStreamRequest> req;

            public void beforeStart(ClientCallStreamObserver<ClassifyStreamRequest> s) {
              req = s;
            }

            public void onNext(ClassifyStreamResponse v) {
              if (v.hasError()) {
                saw("stream-item", Status.fromCodeValue(v.getError().getCode()).getCode());
              }
            }

            public void onError(Throwable e) {
              saw("stream", Status.fromThrowable(e).getCode());
            }

            public void onCompleted() {
              saw("stream", Status.Code.OK);
            }
          };
      var stream =
          ClassifierGrpc.newStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).classifyStream(obs);
      stream.onNext(ClassifyStreamRequest.newBuilder().setRequestId("t").setImage(image).setTimeoutMicros(1).build());
      for (int i = 0; i < 5; i++) {
        stream.onNext(ClassifyStreamRequest.newBuilder().setRequestId("c" + i).setImage(image).build());
      }
      if (r.nextBoolean()) {
        ((ClientCallStreamObserver<ClassifyStreamRequest>) stream).cancel("soak chaos cancels", null);
      } else {
        stream.onCompleted();
      }
      Thread.sleep(every);
    }
    ch.shutdown().awaitTermination(30, TimeUnit.SECONDS);
    Map<String, AtomicInteger> sorted = new TreeMap<>(SEEN);
    boolean bad = false;
    for (var e : sorted.entrySet()) {
      System.out.println("chaos " + e.getKey() + " " + e.getValue());
      bad |= e.getKey().endsWith(" UNKNOWN") || e.getKey().endsWith(" INTERNAL");
    }
    System.exit(bad ? 1 : 0);
  }
}
