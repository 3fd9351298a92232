package dev.classifier.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.classifier.imaging.ImageDecodeException;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ListModelsRequest;
import dev.classifier.proto.v1.ListModelsResponse;
import dev.classifier.proto.v1.ModelInfo;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A classifier.v1 client: blocking and asynchronous classification, model discovery, and image
 * files preprocessed exactly as the model's published spec says. Thread-safe; share one per server.
 * Calls fail with {@link io.grpc.StatusRuntimeException} carrying the server's status.
 */
public final class ClassifierClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final Duration deadline;
  private final Map<String, ModelInfo> infoCache = new ConcurrentHashMap<>();
  private final Map<String, ImageEncoder> encoders = new ConcurrentHashMap<>();

  /**
   * @param channel the channel to use
   * @param ownsChannel whether {@link #close()} shuts the channel down
   * @param deadline per-call deadline; null or zero for none
   */
  public ClassifierClient(ManagedChannel channel, boolean ownsChannel, Duration deadline) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.deadline = deadline == null || deadline.isZero() ? null : deadline;
  }

  /** Connects in plaintext to {@code target} ("host:port"); no deadline. */
  public static ClassifierClient connect(String target) {
    return connect(target, null);
  }

  /** Connects in plaintext to {@code target} ("host:port") with a per-call deadline. */
  public static ClassifierClient connect(String target, Duration deadline) {
    return connect(target, deadline, ConnectionSecurity.plaintext(), ChannelOptions.defaults());
  }

  /**
   * Connects to {@code target} ("host:port") with TLS, a client certificate and a bearer token as
   * {@code security} says, and a per-call deadline (null or zero for none).
   */
  public static ClassifierClient connect(
      String target, Duration deadline, ConnectionSecurity security) {
    return connect(target, deadline, security, ChannelOptions.defaults());
  }

  /** Connects in plaintext with load balancing and retries ({@link ChannelOptions}). */
  public static ClassifierClient connect(String target, Duration deadline, ChannelOptions options) {
    return connect(target, deadline, ConnectionSecurity.plaintext(), options);
  }

  /**
   * Connects with {@code security} (TLS, client certificate, token), load balancing and retries
   * ({@link ChannelOptions}). {@code target} is "host:port", {@code dns:///name:port} or {@code
   * static:///h1:p,h2:p} ({@link StaticNameResolverProvider}).
   */
  public static ClassifierClient connect(
      String target, Duration deadline, ConnectionSecurity security, ChannelOptions options) {
    StaticNameResolverProvider.register();
    NettyChannelBuilder b =
        security
            .apply(NettyChannelBuilder.forTarget(target))
            .maxInboundMessageSize(64 * 1024 * 1024)
            .defaultServiceConfig(options.serviceConfig());
    if (options.retryAttempts() > 0) {
      b.enableRetry();
    }
    return new ClassifierClient(b.build(), true, deadline);
  }

  public ManagedChannel channel() {
    return channel;
  }

  private ClassifierGrpc.ClassifierBlockingStub blocking() {
    ClassifierGrpc.ClassifierBlockingStub stub = ClassifierGrpc.newBlockingStub(channel);
    return deadline == null
        ? stub
        : stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  private ClassifierGrpc.ClassifierFutureStub future() {
    ClassifierGrpc.ClassifierFutureStub stub = ClassifierGrpc.newFutureStub(channel);
    return deadline == null
        ? stub
        : stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Describes a model ("" = the default); cached per name. */
  public ModelInfo modelInfo(String model) {
    String key = model == null ? "" : model;
    ModelInfo cached = infoCache.get(key);
    if (cached != null) {
      return cached;
    }
    ModelInfo info =
        blocking().getModelInfo(GetModelInfoRequest.newBuilder().setModel(key).build());
    infoCache.put(key, info);
    return info;
  }

  public ListModelsResponse listModels() {
    return blocking().listModels(ListModelsRequest.getDefaultInstance());
  }

  /** Classifies, blocking. */
  public ClassifyResponse classify(ClassifyRequest request) {
    return blocking().classify(request);
  }

  /** Classifies without blocking; the future completes on a gRPC thread. */
  public CompletableFuture<ClassifyResponse> classifyAsync(ClassifyRequest request) {
    CompletableFuture<ClassifyResponse> result = new CompletableFuture<>();
    ListenableFuture<ClassifyResponse> call = future().classify(request);
    Futures.addCallback(
        call,
        new FutureCallback<>() {
          @Override
          public void onSuccess(ClassifyResponse r) {
            result.complete(r);
          }

          @Override
          public void onFailure(Throwable t) {
            result.completeExceptionally(t);
          }
        },
        MoreExecutors.directExecutor());
    var unused =
        result.whenComplete(
            (r, t) -> {
              if (result.isCancelled()) {
                call.cancel(true);
              }
            });
    return result;
  }

  /**
   * The encoder that turns images into tensors for {@code model} ("" = the default), sending UINT8
   * pixels where the model accepts them ({@link InputDtype#AUTO}).
   */
  public ImageEncoder encoder(String model) {
    return encoder(model, InputDtype.AUTO);
  }

  /** The encoder for {@code model} sending {@code dtype} tensors. */
  public ImageEncoder encoder(String model, InputDtype dtype) {
    String key = (model == null ? "" : model) + "\u0000" + dtype;
    return encoders.computeIfAbsent(
        key, k -> new ImageEncoder(modelInfo(model == null ? "" : model), dtype));
  }

  /** Decodes, preprocesses and classifies image files in one request. */
  public ClassifyResponse classifyFiles(String model, List<Path> files, int topK)
      throws IOException, ImageDecodeException {
    ImageEncoder encoder = encoder(model);
    List<ImageInput> images = new ArrayList<>(files.size());
    for (Path f : files) {
      images.add(encoder.encode(f));
    }
    ClassifyRequest.Builder req =
        ClassifyRequest.newBuilder().setModel(model == null ? "" : model).addAllImages(images);
    if (topK > 0) {
      req.setTopK(topK);
    }
    return classify(req.build());
  }

  /**
   * Opens a ClassifyStream with at most {@code window} images in flight.
   *
   * @param listener receives every response (on a gRPC thread, one at a time)
   */
  public StreamingClassifier openStream(int window, StreamingClassifier.Listener listener) {
    return StreamingClassifier.open(channel, window, listener);
  }

  @Override
  public void close() {
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
