package dev.classifier.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One mapping of the YAML configuration and its path from the root ({@code models[0].batching}),
 * with typed getters whose errors name that path. Unknown keys are errors, so typos do not pass
 * silently.
 */
final class ConfigNode {
  private final JsonNode node;
  private final String path;

  ConfigNode(JsonNode node, String path) {
    this.node = node;
    this.path = path;
    if (node != null && !node.isNull() && !node.isObject()) {
      throw new ConfigException(
          (path.isEmpty() ? "the configuration" : path) + " must be a mapping, got '" + node + "'");
    }
  }

  String path() {
    return path;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private JsonNode get(String name) {
    if (node == null || node.isNull()) {
      return null;
    }
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  /** Fails on any key outside {@code known}. */
  ConfigNode allowOnly(String... known) {
    if (node == null || node.isNull()) {
      return this;
    }
    Set<String> allowed = Set.of(known);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw new ConfigException(
            key(n)
                + " is not a known setting; known here: "
                + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    return this;
  }

  ConfigNode child(String name) {
    return new ConfigNode(get(name), key(name));
  }

  String string(String name, String fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isValueNode()) {
      throw new ConfigException(key(name) + " must be a string, got '" + v + "'");
    }
    return v.asText();
  }

  int integer(String name, int fallback) {
    long v = longValue(name, fallback);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigException(key(name) + " is out of range, got " + v);
    }
    return (int) v;
  }

  long longValue(String name, long fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isIntegralNumber()) {
      throw new ConfigException(key(name) + " must be an integer, got '" + v.asText() + "'");
    }
    return v.asLong();
  }

  double number(String name, double fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new ConfigException(key(name) + " must be a number, got '" + v.asText() + "'");
    }
    return v.asDouble();
  }

  boolean bool(String name, boolean fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new ConfigException(key(name) + " must be true or false, got '" + v.asText() + "'");
    }
    return v.asBoolean();
  }

  /** A list of scalars (a single scalar counts as a list of one). */
  List<String> strings(String name, List<String> fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    if (v.isValueNode()) {
      out.add(v.asText());
      return out;
    }
    if (!v.isArray()) {
      throw new ConfigException(key(name) + " must be a list, got '" + v + "'");
    }
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isValueNode()) {
        throw new ConfigException(
            key(name) + "[" + i + "] must be a scalar, got '" + v.get(i) + "'");
      }
      out.add(v.get(i).asText());
    }
    return out;
  }

  List<Integer> integers(String name, List<Integer> fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isArray()) {
      throw new ConfigException(key(name) + " must be a list of integers, got '" + v + "'");
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isInt()) {
        throw new ConfigException(
            key(name) + "[" + i + "] must be an integer, got '" + v.get(i).asText() + "'");
      }
      out.add(v.get(i).asInt());
    }
    return out;
  }

  /** The mappings of a list, each with its indexed path. */
  List<ConfigNode> children(String name) {
    JsonNode v = get(name);
    List<ConfigNode> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!v.isArray()) {
      throw new ConfigException(key(name) + " must be a list, got '" + v + "'");
    }
    for (int i = 0; i < v.size(); i++) {
      out.add(new ConfigNode(v.get(i), key(name) + "[" + i + "]"));
    }
    return out;
  }

  JsonNode raw(String name) {
    return get(name);
  }

  /**
   * Builds a record whose constructor validates; its message (which starts with the field's name)
   * is prefixed with this node's path.
   */
  <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      String prefix = path.isEmpty() ? "" : path + ".";
      throw new ConfigException(prefix + e.getMessage(), e);
    }
  }
}
