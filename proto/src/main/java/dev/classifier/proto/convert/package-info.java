/**
 * Hand-written conversions between the generated wire types and the project's own model types
 * ({@link dev.classifier.proto.convert.PreprocessingSpecs}), kept in the one module that sees both
 * so that server and client share them.
 */
package dev.classifier.proto.convert;
