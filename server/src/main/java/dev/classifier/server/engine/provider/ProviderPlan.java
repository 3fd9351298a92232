package dev.classifier.server.engine.provider;

import java.util.List;
import java.util.Map;

/**
 * The execution providers one session gets, in registration order, each with its ONNX Runtime
 * option keys, plus the decisions worth logging (FP16 chosen, CUDA graphs refused, ...). CPU is
 * never a step: ONNX Runtime always adds it last, for the nodes no other provider took.
 */
public record ProviderPlan(List<Step> steps, List<String> notes) {

  /** One provider to register: "tensorrt" or "cuda", and its option keys. */
  public record Step(String provider, Map<String, String> keys) {
    public Step {
      keys = Map.copyOf(keys);
    }
  }

  public ProviderPlan {
    steps = List.copyOf(steps);
    notes = List.copyOf(notes);
  }

  /** CPU only. */
  public static ProviderPlan cpu() {
    return new ProviderPlan(List.of(), List.of());
  }

  /** The providers in registration order, "cpu" last (ONNX Runtime's implicit fallback). */
  public List<String> requested() {
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    for (Step s : steps) {
      names.add(s.provider());
    }
    names.add("cpu");
    return List.copyOf(names);
  }
}
