/**
 * Accuracy evaluation: run a labelled data set through the server and measure Top-1/Top-5,
 * per-class accuracy and the confusion matrix.
 *
 * <p>Start at {@link dev.classifier.client.eval.Evaluator}. Data sets ({@link
 * dev.classifier.client.eval.Dataset}) are read by {@link
 * dev.classifier.client.eval.ImageFolderDataset} (torchvision {@code ImageFolder} layout) or {@link
 * dev.classifier.client.eval.IdxDataset} (MNIST/Fashion-MNIST IDX files); {@link
 * dev.classifier.client.eval.LabelMapping} maps the data set's classes to the model's class
 * indices; {@link dev.classifier.client.eval.InputFactory} builds the wire input (client-side
 * tensor or encoded image); {@link dev.classifier.client.eval.AccuracyAccumulator} counts; {@link
 * dev.classifier.client.eval.EvaluationReport} renders text and JSON.
 */
package dev.classifier.client.eval;
