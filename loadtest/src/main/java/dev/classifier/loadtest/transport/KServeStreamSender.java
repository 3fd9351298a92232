package dev.classifier.loadtest.transport;

import dev.classifier.client.ClassifierClient;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One ModelStreamInfer per client (channel), items round-robin over them, each matched by its id.
 * At most {@code windowPerStream} items are in flight on a stream (sends block beyond it); a stream
 * failure answers all its pending items with the failure's code.
 */
public final class KServeStreamSender implements RequestSender {
  private final List<Stream> streams = new ArrayList<>();
  private final List<ModelInferRequest> templates;
  private final String transport;
  private final AtomicLong next = new AtomicLong();

  /** One bidirectional stream and its items in flight. */
  private static final class Stream implements StreamObserver<ModelStreamInferResponse> {
    final Map<String, Consumer<String>> pending = new ConcurrentHashMap<>();
    final Semaphore window;
    final CountDownLatch closed = new CountDownLatch(1);
    StreamObserver<ModelInferRequest> requests;

    Stream(int window) {
      this.window = new Semaphore(window);
    }

    @Override
    public void onNext(ModelStreamInferResponse r) {
      Consumer<String> done = pending.remove(r.getInferResponse().getId());
      if (done != null) {
        window.release();
        String e = r.getErrorMessage();
        done.accept(e.isEmpty() ? "OK" : code(e));
      }
    }

    /** The status code name an error_message starts with ("CODE: description"). */
    private static String code(String errorMessage) {
      int colon = errorMessage.indexOf(':');
      String name = colon < 0 ? errorMessage : errorMessage.substring(0, colon);
      try {
        return Status.Code.valueOf(name).name();
      } catch (IllegalArgumentException e) {
        return Status.Code.UNKNOWN.name();
      }
    }

    @Override
    public void onError(Throwable t) {
      failAll(StatusCodes.of(t));
      closed.countDown();
    }

    @Override
    public void onCompleted() {
      failAll(Status.Code.UNKNOWN.name());
      closed.countDown();
    }

    void failAll(String code) {
      for (String id : List.copyOf(pending.keySet())) {
        Consumer<String> done = pending.remove(id);
        if (done != null) {
          window.release();
          done.accept(code);
        }
      }
    }
  }

  public KServeStreamSender(
      List<ClassifierClient> clients,
      List<ModelInferRequest> templates,
      KServeRequests.Contents contents,
      int windowPerStream) {
    if (clients.isEmpty() || templates.isEmpty() || windowPerStream < 1) {
      throw new IllegalArgumentException("need clients, requests and a window >= 1");
    }
    this.templates = List.copyOf(templates);
    this.transport = "kserve-stream-" + contents.name().toLowerCase(Locale.ROOT);
    for (ClassifierClient c : clients) {
      Stream s = new Stream(windowPerStream);
      s.requests = GRPCInferenceServiceGrpc.newStub(c.channel()).modelStreamInfer(s);
      streams.add(s);
    }
  }

  @Override
  public void send(Consumer<String> done) throws InterruptedException {
    long n = next.getAndIncrement();
    Stream s = streams.get((int) (n % streams.size()));
    s.window.acquire();
    if (s.closed.getCount() == 0) {
      s.window.release();
      done.accept(Status.Code.UNAVAILABLE.name());
      return;
    }
    String id = Long.toString(n);
    s.pending.put(id, done);
    if (s.closed.getCount() == 0) {
      s.failAll(Status.Code.UNAVAILABLE.name()); // the stream ended while this item was added
      return;
    }
    ModelInferRequest r = templates.get((int) (n % templates.size())).toBuilder().setId(id).build();
    synchronized (s) {
      s.requests.onNext(r);
    }
  }

  @Override
  public int imagesPerRequest() {
    return (int) templates.get(0).getInputs(0).getShape(0);
  }

  @Override
  public String transport() {
    return transport;
  }

  @Override
  public int requestBytes() {
    return templates.get(0).getSerializedSize() + 8;
  }

  @Override
  public void close() throws InterruptedException {
    for (Stream s : streams) {
      synchronized (s) {
        s.requests.onCompleted();
      }
    }
    for (Stream s : streams) {
      if (!s.closed.await(30, TimeUnit.SECONDS)) {
        synchronized (s) {
          s.requests.onError(Status.CANCELLED.withDescription("load test finished").asException());
        }
      }
    }
  }
}
