/**
 * Bounds on text that goes back to clients ({@link dev.classifier.server.text.ClientText}): every
 * client-supplied string quoted in an error message, and every whole description. A leaf package,
 * so that any layer (model, core, admin, the protocol front ends) can use it without a cycle.
 */
package dev.classifier.server.text;
