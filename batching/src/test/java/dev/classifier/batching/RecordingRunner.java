package dev.classifier.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A runner that records each batch's inputs and instance, then applies a behaviour (by default:
 * complete each task with {@code "out:" + input}).
 */
final class RecordingRunner implements BatchRunner<Integer, String> {
  record Run(Instance instance, List<Integer> inputs) {}

  @FunctionalInterface
  interface Behaviour {
    void apply(int batchIndex, Instance instance, List<BatchTask<Integer, String>> batch)
        throws Exception;
  }

  static final Behaviour COMPLETE_ALL =
      (i, instance, batch) -> batch.forEach(t -> t.complete("out:" + t.input()));

  final List<Run> runs = new CopyOnWriteArrayList<>();
  volatile Behaviour behaviour = COMPLETE_ALL;

  @Override
  public void run(Instance instance, List<BatchTask<Integer, String>> batch) throws Exception {
    List<Integer> inputs = new ArrayList<>();
    batch.forEach(t -> inputs.add(t.input()));
    int index = runs.size();
    runs.add(new Run(instance, List.copyOf(inputs)));
    behaviour.apply(index, instance, batch);
  }

  List<List<Integer>> batches() {
    return runs.stream().map(Run::inputs).toList();
  }

  List<Integer> allInputs() {
    return runs.stream().flatMap(r -> r.inputs().stream()).toList();
  }
}
