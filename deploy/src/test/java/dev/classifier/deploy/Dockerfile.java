package dev.classifier.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The instructions of a Dockerfile: continuation lines joined, comments dropped. */
record Dockerfile(List<Instruction> instructions) {
  /** One instruction: keyword (upper case) and the rest of the line. */
  record Instruction(String keyword, String args) {}

  static Dockerfile parse(String text) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String t = line.strip();
      if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (t.startsWith("#")) {
        continue; // comment inside a continued instruction
      }
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      String s = current.toString().strip();
      current.setLength(0);
      int space = s.indexOf(' ');
      out.add(
          new Instruction(
              s.substring(0, space).toUpperCase(Locale.ROOT), s.substring(space + 1).strip()));
    }
    return new Dockerfile(out);
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The last instruction with the keyword (the runtime stage's, for ENTRYPOINT, USER). */
  Instruction last(String keyword) {
    List<Instruction> all = all(keyword);
    if (all.isEmpty()) {
      throw new AssertionError("no " + keyword + " instruction");
    }
    return all.get(all.size() - 1);
  }

  /** A COPY: optional --from stage, sources, destination. */
  record Copy(String from, List<String> sources, String destination) {}

  List<Copy> copies() {
    List<Copy> out = new ArrayList<>();
    for (Instruction i : all("COPY")) {
      List<String> words = new ArrayList<>(List.of(i.args().split("\\s+")));
      String from = null;
      while (words.get(0).startsWith("--")) {
        String flag = words.remove(0);
        if (flag.startsWith("--from=")) {
          from = flag.substring("--from=".length());
        }
      }
      String dest = words.remove(words.size() - 1);
      out.add(new Copy(from, words, dest));
    }
    return out;
  }
}
