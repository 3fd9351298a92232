/**
 * The {@code classifier} command line: {@code classify} (files or folders, unary or over one
 * stream), {@code evaluate} (Top-1/Top-5 on a labelled data set) and {@code models}. Start at
 * {@link dev.classifier.client.cli.ClientMain}.
 */
package dev.classifier.client.cli;
