package dev.classifier.server.kserve;

/**
 * One output a request asked for: the model's probability tensor, or with {@code classes > 0} the
 * classification extension's top-{@code classes} strings for it.
 */
record OutputRequest(String name, int classes) {
  boolean classification() {
    return classes > 0;
  }
}
