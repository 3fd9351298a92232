package dev.classifier.server;

import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.server.grpc.ClassifierService;
import dev.classifier.server.grpc.LenientRequests;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The classifier service over in-process gRPC, for service-logic tests. */
public final class InProcessClassifier implements AutoCloseable {
  public final ModelRegistry registry;
  public final ClassifierService service;
  public final Server server;
  public final ManagedChannel channel;

  public InProcessClassifier(List<ServedModel> models, int streamWindow) throws IOException {
    registry = new ModelRegistry(models, null);
    service = new ClassifierService(registry, streamWindow);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(LenientRequests.wrap(service.bindService()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  public ClassifierGrpc.ClassifierBlockingStub blocking() {
    return ClassifierGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public ClassifierGrpc.ClassifierStub async() {
    return ClassifierGrpc.newStub(channel);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    service.close(); // its decode pool
    registry.close();
  }
}
