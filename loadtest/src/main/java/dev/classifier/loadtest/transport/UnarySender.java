package dev.classifier.loadtest.transport;

import dev.classifier.client.ClassifierClient;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ImageInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Classify calls, round-robin over the given clients (one channel each), cycling the inputs. */
public final class UnarySender implements RequestSender {
  private final List<ClassifierClient> clients;
  private final List<ClassifyRequest> requests;
  private final int imagesPerRequest;
  private final AtomicLong next = new AtomicLong();

  public UnarySender(
      List<ClassifierClient> clients,
      String model,
      int topK,
      List<ImageInput> inputs,
      int imagesPerRequest) {
    if (clients.isEmpty() || inputs.isEmpty() || imagesPerRequest < 1) {
      throw new IllegalArgumentException("need clients, inputs and imagesPerRequest >= 1");
    }
    this.clients = List.copyOf(clients);
    this.imagesPerRequest = imagesPerRequest;
    List<ClassifyRequest> built = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      ClassifyRequest.Builder b = ClassifyRequest.newBuilder().setModel(model).setTopK(topK);
      for (int j = 0; j < imagesPerRequest; j++) {
        b.addImages(inputs.get((i + j) % inputs.size()));
      }
      built.add(b.build());
    }
    this.requests = built;
  }

  @Override
  public void send(Consumer<String> done) {
    long n = next.getAndIncrement();
    ClassifierClient c = clients.get((int) (n % clients.size()));
    ClassifyRequest r = requests.get((int) (n % requests.size()));
    var unused = c.classifyAsync(r).whenComplete((resp, t) -> done.accept(StatusCodes.of(t)));
  }

  @Override
  public int imagesPerRequest() {
    return imagesPerRequest;
  }

  @Override
  public String transport() {
    return "unary";
  }

  /** The first request this sender sends (each carries {@code imagesPerRequest} images). */
  public ClassifyRequest first() {
    return requests.get(0);
  }

  @Override
  public int requestBytes() {
    return first().getSerializedSize();
  }

  @Override
  public void close() {}
}
