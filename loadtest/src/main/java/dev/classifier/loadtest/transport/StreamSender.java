package dev.classifier.loadtest.transport;

import dev.classifier.client.ClassifierClient;
import dev.classifier.client.StreamingClassifier;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.ImageInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One ClassifyStream per client (channel), items round-robin over them. Each item's answer is
 * matched by request id; a stream failure answers all its pending items with the failure's code.
 */
public final class StreamSender implements RequestSender {
  private final List<StreamingClassifier> streams = new ArrayList<>();
  private final List<Map<String, Consumer<String>>> pending = new ArrayList<>();
  private final List<ClassifyStreamRequest> templates;
  private final AtomicLong next = new AtomicLong();

  /**
   * @param windowPerStream most items in flight on one stream (sends block beyond it)
   */
  public StreamSender(
      List<ClassifierClient> clients,
      String model,
      int topK,
      List<ImageInput> inputs,
      int windowPerStream) {
    if (clients.isEmpty() || inputs.isEmpty()) {
      throw new IllegalArgumentException("need clients and inputs");
    }
    List<ClassifyStreamRequest> t = new ArrayList<>();
    for (ImageInput in : inputs) {
      t.add(ClassifyStreamRequest.newBuilder().setModel(model).setTopK(topK).setImage(in).build());
    }
    this.templates = t;
    for (ClassifierClient c : clients) {
      Map<String, Consumer<String>> p = new ConcurrentHashMap<>();
      pending.add(p);
      streams.add(c.openStream(windowPerStream, listener(p)));
    }
  }

  private static StreamingClassifier.Listener listener(Map<String, Consumer<String>> p) {
    return new StreamingClassifier.Listener() {
      @Override
      public void onResponse(ClassifyStreamResponse r) {
        Consumer<String> done = p.remove(r.getRequestId());
        if (done != null) {
          done.accept(r.hasError() ? StatusCodes.of(r.getError().getCode()) : "OK");
        }
      }

      @Override
      public void onError(Throwable error) {
        String code = StatusCodes.of(error);
        for (String id : List.copyOf(p.keySet())) {
          Consumer<String> done = p.remove(id);
          if (done != null) {
            done.accept(code);
          }
        }
      }
    };
  }

  @Override
  public void send(Consumer<String> done) throws InterruptedException {
    long n = next.getAndIncrement();
    int s = (int) (n % streams.size());
    String id = Long.toString(n);
    Map<String, Consumer<String>> p = pending.get(s);
    p.put(id, done);
    ClassifyStreamRequest r =
        templates.get((int) (n % templates.size())).toBuilder().setRequestId(id).build();
    try {
      streams.get(s).send(r);
    } catch (IllegalStateException e) {
      if (p.remove(id) != null) {
        done.accept(StatusCodes.of(e.getCause() == null ? e : e.getCause()));
      }
    }
  }

  @Override
  public int imagesPerRequest() {
    return 1;
  }

  @Override
  public String transport() {
    return "stream";
  }

  @Override
  public int requestBytes() {
    return templates.get(0).getSerializedSize() + 8;
  }

  @Override
  public void close() throws InterruptedException {
    for (StreamingClassifier s : streams) {
      s.halfClose();
    }
    for (StreamingClassifier s : streams) {
      if (!s.awaitCompletion(Duration.ofSeconds(30))) {
        s.cancel("load test finished");
      }
    }
  }
}
