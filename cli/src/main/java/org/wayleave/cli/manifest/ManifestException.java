package org.wayleave.cli.manifest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A manifest that cannot be read: the file, the document, the line, the field and the rule it
 * breaks. The message reads {@code "<file>:<line>: document <n>: <field>: <rule>"}, for example
 * {@code "bad.yaml:7: document 2: spec.committedMbps: expected an integer, got 'fast'"}; parts that
 * are unknown (a missing file has no document or line, a YAML syntax error at the top of a document
 * no field) are left out.
 */
public final class ManifestException extends Exception {
  private final transient Path file;
  private final int document;
  private final int line;
  private final String field;
  private final String rule;

  ManifestException(Path file, int document, int line, String field, String rule) {
    this(file, document, line, field, rule, null);
  }

  ManifestException(Path file, int document, int line, String field, String rule, Throwable cause) {
    super(format(file, document, line, field, rule), cause);
    this.file = Objects.requireNonNull(file, "file");
    this.document = document;
    this.line = line;
    this.field = field == null ? "" : field;
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  private static String format(Path file, int document, int line, String field, String rule) {
    StringBuilder sb = new StringBuilder().append(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (document > 0) {
      sb.append("document ").append(document).append(": ");
    }
    if (field != null && !field.isEmpty()) {
      sb.append(field).append(": ");
    }
    return sb.append(rule).toString();
  }

  /** The file (or directory) that could not be read. */
  public Path file() {
    return file;
  }

  /** 1-based number of the document within the file; 0 when the file itself could not be read. */
  public int document() {
    return document;
  }

  /**
   * 1-based line of the offending field or, when no better is known, of the document's start; 0
   * when the file itself could not be read.
   */
  public int line() {
    return line;
  }

  /**
   * Path of the offending field as written in the file ({@code spec.aEnd.port}, {@code
   * ports[1].role}); empty when the fault is not in one field.
   */
  public String field() {
    return field;
  }

  /** The rule that was broken, without the location. */
  public String rule() {
    return rule;
  }
}
