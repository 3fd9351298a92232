package dev.classifier.server.model;

import dev.classifier.server.text.ClientText;
import java.util.Collection;

/** A request named a model the server does not serve. */
public final class ModelNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelNotFoundException(String name, Collection<String> served) {
    super(
        "model "
            + ClientText.quote(name)
            + " is not served; served models: "
            + String.join(", ", served));
  }

  /** A served model asked for in a version it is not served in. */
  public ModelNotFoundException(String name, String version, String served) {
    super("model '" + name + "' has no version '" + version + "'; serving version " + served);
  }
}
