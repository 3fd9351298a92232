/**
 * The protocol-neutral request path every front end (gRPC, HTTP) translates into.
 *
 * <p>A translator builds an {@link dev.classifier.server.core.InferenceRequest} (model, images as
 * {@link dev.classifier.server.core.ImageSource}s, top-k or raw output, priority, deadline, id) and
 * calls {@link dev.classifier.server.core.InferenceCore#submit} with a sink, normally an {@link
 * dev.classifier.server.core.Answer} that renders the protocol's response. The core validates
 * ({@link dev.classifier.server.core.RequestReader}), rejects what can never fit with
 * INVALID_ARGUMENT, runs encoded images through the bounded {@link
 * dev.classifier.server.core.ImageDecoding} stage ({@link dev.classifier.server.core.RequestInputs}
 * keeps a request's images in order, {@link dev.classifier.server.core.Chain} links decode and
 * batcher so cancelling cancels whichever stage is current), hands over to the model's batcher
 * ({@link dev.classifier.server.core.Handover} follows hot reloads) and answers exactly once:
 * anything that throws on the way, an {@link Error} included, becomes one {@link
 * dev.classifier.server.core.InternalFailure}. Failures travel as exceptions; mapping them to a
 * protocol's status is the translator's job (gRPC: {@code grpc.Statuses}).
 *
 * <p>Every client string quoted in a message goes through {@link
 * dev.classifier.server.text.ClientText#quote} (bounded echo).
 */
package dev.classifier.server.core;
