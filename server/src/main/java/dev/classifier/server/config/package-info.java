/**
 * The server's settings as immutable records, validated when constructed: errors name the bad
 * setting and its value. {@link dev.classifier.server.config.ServerConfig} is the root; {@link
 * dev.classifier.server.config.ModelConfig} describes one served model.
 */
package dev.classifier.server.config;
