package dev.classifier.loadtest.transport;

import com.google.protobuf.ByteString;
import dev.classifier.client.ImageEncoder;
import dev.classifier.imaging.ImageDecodeException;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Image tensors prepared once, before any timing. */
public final class Inputs {
  private Inputs() {}

  /** Every JPEG/PNG in {@code folder} (sorted), preprocessed with the model's encoder. */
  public static List<ImageInput> fromFolder(Path folder, ImageEncoder encoder, int limit)
      throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(ImageEncoder::isImageFile).sorted().limit(limit).toList();
    }
    if (files.isEmpty()) {
      throw new IOException("no .png/.jpg/.jpeg images in " + folder);
    }
    List<ImageInput> out = new ArrayList<>(files.size());
    for (Path f : files) {
      try {
        out.add(encoder.encode(f));
      } catch (ImageDecodeException e) {
        throw new IOException("cannot decode " + f + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** {@code count} random tensors of the model's per-image input shape and dtype (seeded). */
  public static List<ImageInput> synthetic(ModelInfo info, int count, long seed) {
    return synthetic(info, count, seed, info.getInput().getDtype());
  }

  /**
   * {@code count} random tensors of the model's per-image input shape in {@code dtype} (seeded):
   * uniform 0..255 pixels for UINT8, Gaussian values for FLOAT32.
   */
  public static List<ImageInput> synthetic(ModelInfo info, int count, long seed, DataType dtype) {
    Random random = new Random(seed);
    List<ImageInput> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(synthetic(info, random, dtype));
    }
    return out;
  }

  static ImageInput synthetic(ModelInfo info, Random random) {
    return synthetic(info, random, info.getInput().getDtype());
  }

  static ImageInput synthetic(ModelInfo info, Random random, DataType dtype) {
    Tensor.Builder t = Tensor.newBuilder().setDtype(dtype);
    long elements = 1;
    for (int i = 1; i < info.getInput().getShapeCount(); i++) {
      long d = info.getInput().getShape(i);
      t.addShape(d);
      elements *= d;
    }
    ByteBuffer data;
    if (dtype == DataType.UINT8) {
      byte[] bytes = new byte[(int) elements];
      random.nextBytes(bytes);
      data = ByteBuffer.wrap(bytes);
    } else {
      data = ByteBuffer.allocate((int) elements * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (long i = 0; i < elements; i++) {
        data.putFloat((float) random.nextGaussian());
      }
      data.flip();
    }
    return ImageInput.newBuilder().setTensor(t.setData(ByteString.copyFrom(data))).build();
  }
}
