/**
 * The {@code classifier} command line: {@code classify} (files or folders, unary or over one
 * stream), {@code models} and {@code info}. Start at {@link dev.classifier.client.cli.ClientMain}.
 */
package dev.classifier.client.cli;
