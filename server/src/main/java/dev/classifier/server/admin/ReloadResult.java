package dev.classifier.server.admin;

/**
 * The outcome of one successful reload.
 *
 * @param model the model's name
 * @param previousVersion the version served before
 * @param version the version served now
 * @param source where the new version was loaded from
 */
public record ReloadResult(String model, String previousVersion, String version, String source) {}
