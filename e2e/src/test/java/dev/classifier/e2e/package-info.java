/**
 * Real-process tests: the packaged server and client jars started as separate JVMs and driven the
 * way a person would from a shell.
 */
package dev.classifier.e2e;
