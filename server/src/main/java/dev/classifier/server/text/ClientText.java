package dev.classifier.server.text;

/**
 * Bounds text that ends up in answers: every client-supplied string quoted in an error message goes
 * through {@link #quote}, so a megabyte model name cannot come back whole (or overflow the
 * response's metadata limit), and {@link #cap} bounds whole descriptions.
 */
public final class ClientText {
  /** Longest client string echoed in a message, before the "..." marker. */
  public static final int MAX_ECHO = 128;

  /** Longest status description or item error message. */
  public static final int MAX_DESCRIPTION = 1024;

  private ClientText() {}

  /** {@code 'value'}, cut to {@link #MAX_ECHO} characters with "..." when longer. */
  public static String quote(String value) {
    return "'" + cap(value, MAX_ECHO) + "'";
  }

  /** {@code text} cut to {@code max} characters plus "..." when longer; null stays null. */
  public static String cap(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = max;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return text.substring(0, end) + "...";
  }
}
