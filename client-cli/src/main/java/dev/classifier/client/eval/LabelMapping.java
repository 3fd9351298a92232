package dev.classifier.client.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a data set's classes to the model's class indices. Rules, first that applies:
 *
 * <ol>
 *   <li><b>by name</b>: every data set class name equals a model label after normalising both
 *       (lower case, only letters and digits kept), so folder {@code T-shirt_top} matches label
 *       {@code T-shirt/top} and {@code ankle boot} matches {@code Ankle boot};
 *   <li><b>by number</b>: every class name is an integer {@code 0..classes-1} (IDX labels, or
 *       folders named by class index);
 *   <li><b>by position</b>: the data set has exactly as many classes as the model, and the sorted
 *       class index is the model's class index (torchvision {@code ImageFolder} training order);
 *       used only when the model has no labels or none of the names match.
 * </ol>
 *
 * Anything else is an error naming the classes that match no label.
 */
public final class LabelMapping {
  /** How the classes were matched. */
  public enum Rule {
    BY_NAME,
    BY_NUMBER,
    BY_POSITION
  }

  private final int[] toModel;
  private final Rule rule;

  private LabelMapping(int[] toModel, Rule rule) {
    this.toModel = toModel;
    this.rule = rule;
  }

  /**
   * @param datasetClasses class names in data set order
   * @param modelLabels the model's labels in class order (may be empty)
   * @param modelClasses the model's class count
   * @throws IllegalArgumentException if no rule applies, saying why
   */
  public static LabelMapping resolve(
      List<String> datasetClasses, List<String> modelLabels, int modelClasses) {
    int n = datasetClasses.size();
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < modelLabels.size(); i++) {
      byName.putIfAbsent(normalise(modelLabels.get(i)), i);
    }
    int[] map = new int[n];
    List<String> unmatched = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      Integer idx = byName.get(normalise(datasetClasses.get(c)));
      if (idx == null) {
        unmatched.add(datasetClasses.get(c));
      } else {
        map[c] = idx;
      }
    }
    if (unmatched.isEmpty() && !modelLabels.isEmpty()) {
      return new LabelMapping(map, Rule.BY_NAME);
    }
    boolean numeric = true;
    for (int c = 0; c < n && numeric; c++) {
      try {
        int v = Integer.parseInt(datasetClasses.get(c).trim());
        numeric = v >= 0 && v < modelClasses;
        map[c] = v;
      } catch (NumberFormatException e) {
        numeric = false;
      }
    }
    if (numeric) {
      return new LabelMapping(map, Rule.BY_NUMBER);
    }
    boolean noneMatched = unmatched.size() == n;
    if (n == modelClasses && (modelLabels.isEmpty() || noneMatched)) {
      for (int c = 0; c < n; c++) {
        map[c] = c;
      }
      return new LabelMapping(map, Rule.BY_POSITION);
    }
    throw new IllegalArgumentException(
        "cannot match the data set's "
            + n
            + " classes to the model's "
            + modelClasses
            + " classes: "
            + unmatched.size()
            + " class name(s) match no model label (compared in lower case, letters and digits"
            + " only), e.g. "
            + unmatched.subList(0, Math.min(5, unmatched.size()))
            + "; name class folders after the model's labels or its class indices");
  }

  static String normalise(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toLowerCase(Locale.ROOT).toCharArray()) {
      if (Character.isLetterOrDigit(ch)) {
        b.append(ch);
      }
    }
    return b.toString();
  }

  /** The model's class index for data set class {@code datasetClass}. */
  public int modelClass(int datasetClass) {
    return toModel[datasetClass];
  }

  public Rule rule() {
    return rule;
  }

  /** One line for reports. */
  public String describe() {
    return switch (rule) {
      case BY_NAME -> "class names matched to model labels";
      case BY_NUMBER -> "class names are model class indices";
      case BY_POSITION -> "sorted class index = model class index (no name matched)";
    };
  }
}
