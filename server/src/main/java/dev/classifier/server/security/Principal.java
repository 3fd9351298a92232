package dev.classifier.server.security;

import java.util.Set;

/**
 * Who a call comes from and what it may do: a token entry or a mapped client certificate.
 *
 * @param name the identity's name, for logs (never the token)
 * @param models the models it may use; {@code "*"} = every model
 * @param admin whether it may call the Admin service
 * @param via how it was authenticated: "token" or "certificate"
 */
public record Principal(String name, Set<String> models, boolean admin, String via) {
  public static final String ANY_MODEL = "*";

  public Principal {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an identity needs a name");
    }
    models = Set.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException(
          "identity '" + name + "' names no models (use * for every model)");
    }
  }

  /** Whether this identity may use {@code model} (a served model's name). */
  public boolean mayUse(String model) {
    return models.contains(ANY_MODEL) || (model != null && models.contains(model));
  }
}
