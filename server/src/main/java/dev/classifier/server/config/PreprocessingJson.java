package dev.classifier.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON/YAML form of a preprocessing spec in model manifests and the server config, read into
 * and written from the imaging module's {@link PreprocessSpec} (the one model type):
 *
 * <pre>{@code
 * {"width": 224, "height": 224, "colorMode": "RGB", "resizeShorterSide": 256,
 *  "interpolation": "BILINEAR", "centerCrop": true, "scale": 0.00392156862745098,
 *  "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "layout": "NCHW",
 *  "dtype": "FLOAT32"}
 * }</pre>
 *
 * Names are case-insensitive; colorMode, interpolation, layout and dtype are required; unset
 * mean/std are 0/1 and a single value applies to every channel (both are stored per channel);
 * unknown fields are rejected. Every message starts with {@code preprocessing.<field>}.
 */
public final class PreprocessingJson {
  private static final Set<String> FIELDS =
      Set.of(
          "width",
          "height",
          "colorMode",
          "resizeShorterSide",
          "interpolation",
          "centerCrop",
          "scale",
          "mean",
          "std",
          "layout",
          "dtype");

  private PreprocessingJson() {}

  /**
   * The spec a JSON object describes.
   *
   * @throws IllegalArgumentException naming the field, for a missing, unknown or invalid field
   */
  public static PreprocessSpec read(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("preprocessing must be an object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            "preprocessing."
                + name
                + " is not a field (fields: "
                + String.join(", ", FIELDS.stream().sorted().toList())
                + ")");
      }
    }
    ColorMode colorMode = oneOf(node, "colorMode", ColorMode.class);
    Interpolation interpolation = oneOf(node, "interpolation", Interpolation.class);
    Layout layout = oneOf(node, "layout", Layout.class);
    PixelType dtype = oneOf(node, "dtype", PixelType.class);
    int channels = colorMode.channels();
    try {
      return new PreprocessSpec(
          integer(node, "width"),
          integer(node, "height"),
          colorMode,
          integer(node, "resizeShorterSide"),
          interpolation,
          bool(node, "centerCrop"),
          number(node, "scale"),
          perChannel(node, "mean", channels, 0f),
          perChannel(node, "std", channels, 1f),
          layout,
          dtype);
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith("preprocessing.")
          ? e
          : new IllegalArgumentException("preprocessing." + e.getMessage(), e);
    }
  }

  /** The JSON form of {@code s} (field order as documented), for writing a config back. */
  public static Map<String, Object> write(PreprocessSpec s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("width", s.width());
    out.put("height", s.height());
    out.put("colorMode", s.colorMode().name());
    out.put("resizeShorterSide", s.resizeShorterSide());
    out.put("interpolation", s.interpolation().name());
    out.put("centerCrop", s.centerCrop());
    out.put("scale", s.scale());
    out.put("mean", s.mean());
    out.put("std", s.std());
    out.put("layout", s.layout().name());
    out.put("dtype", s.pixelType().name());
    return out;
  }

  /** Reads a manifest's {@code preprocessing} object with {@link #read}. */
  public static final class Deserializer extends JsonDeserializer<PreprocessSpec> {
    @Override
    public PreprocessSpec deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      return read(p.readValueAsTree());
    }
  }

  private static <E extends Enum<E>> E oneOf(JsonNode node, String field, Class<E> type) {
    E[] allowed = type.getEnumConstants();
    String names = Arrays.stream(allowed).map(Enum::name).collect(Collectors.joining(", "));
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(
          "preprocessing." + field + " is required (one of " + names + ")");
    }
    String upper = v.asText().toUpperCase(Locale.ROOT);
    for (E a : allowed) {
      if (a.name().equals(upper)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "preprocessing." + field + " must be one of " + names + ", got '" + v.asText() + "'");
  }

  private static int integer(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(
          "preprocessing." + field + " must be an integer, got " + v);
    }
    return v.intValue();
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(
          "preprocessing." + field + " must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  private static float number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0f;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException("preprocessing." + field + " must be a number, got " + v);
    }
    return v.floatValue();
  }

  /** Unset = {@code dflt} for every channel; one value = that value for every channel. */
  private static float[] perChannel(JsonNode node, String field, int channels, float dflt) {
    JsonNode v = node.get(field);
    float[] values;
    if (v == null || v.isNull()) {
      values = new float[0];
    } else if (v.isNumber()) {
      values = new float[] {v.floatValue()};
    } else if (v.isArray()) {
      values = new float[v.size()];
      for (int i = 0; i < values.length; i++) {
        if (!v.get(i).isNumber()) {
          throw new IllegalArgumentException(
              "preprocessing." + field + "[" + i + "] must be a number, got " + v.get(i));
        }
        values[i] = v.get(i).floatValue();
      }
    } else {
      throw new IllegalArgumentException(
          "preprocessing." + field + " must be a number or a list of numbers, got " + v);
    }
    if (values.length == 0 || (values.length == 1 && channels > 1)) {
      float[] filled = new float[channels];
      Arrays.fill(filled, values.length == 0 ? dflt : values[0]);
      return filled;
    }
    return values;
  }
}
