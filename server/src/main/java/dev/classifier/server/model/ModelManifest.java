package dev.classifier.server.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.config.OutputKind;
import dev.classifier.server.config.PreprocessingJson;
import java.io.IOException;
import java.io.InputStream;

/**
 * A model's sidecar manifest ({@code model.json} or {@code <model>.json} next to the .onnx file):
 * the facts the ONNX graph does not carry. Every field is optional.
 *
 * <pre>{@code
 * {"name": "fashion-mnist", "version": "1", "labels": "labels.txt", "output": "logits",
 *  "preprocessing": {"width": 28, "height": 28, "colorMode": "GRAY", ...}}
 * }</pre>
 *
 * @param name model name (defaults to the file's stem)
 * @param version model version (defaults to "1")
 * @param labels labels file, relative to the manifest
 * @param output "logits", "probabilities" or "detect"
 * @param preprocessing the preprocessing spec ({@link PreprocessingJson}), or null to derive one
 *     from the input shape
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
    String name,
    String version,
    String labels,
    String output,
    @JsonDeserialize(using = PreprocessingJson.Deserializer.class) PreprocessSpec preprocessing) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** An empty manifest: everything derived or defaulted. */
  public static ModelManifest empty() {
    return new ModelManifest(null, null, null, null, null);
  }

  /** Parses a manifest; errors name the offending field. */
  public static ModelManifest read(InputStream in, String source) throws IOException {
    try {
      return JSON.readValue(in, ModelManifest.class);
    } catch (IOException e) {
      throw new IOException("bad model manifest " + source + ": " + rootMessage(e), e);
    }
  }

  /** The output kind stated by the manifest, or DETECT. */
  public OutputKind outputKind() {
    if (output == null || output.isBlank() || output.equalsIgnoreCase("detect")) {
      return OutputKind.DETECT;
    }
    if (output.equalsIgnoreCase("logits")) {
      return OutputKind.LOGITS;
    }
    if (output.equalsIgnoreCase("probabilities")) {
      return OutputKind.PROBABILITIES;
    }
    throw new IllegalArgumentException(
        "manifest output must be logits, probabilities or detect, got '" + output + "'");
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + c.getMessage() + ")";
  }
}
