package dev.classifier.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** The report as pretty-printed JSON (NaN written as the string "NaN"). */
public final class JsonReport {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static void write(Report report, Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), report);
  }
}
