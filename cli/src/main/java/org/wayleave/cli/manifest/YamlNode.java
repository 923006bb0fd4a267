package org.wayleave.cli.manifest;

import java.util.List;

/**
 * A YAML value as read, with the line it starts on. Scalars keep the text exactly as written as
 * well as the type YAML gave it, so a string field may be written {@code 0123} or {@code yes}
 * without YAML's typing getting in the way.
 */
sealed interface YamlNode {
  /** 1-based line where the value starts. */
  int line();

  /**
   * The value for an error message: {@code 'fast'}, {@code a mapping}, {@code a list}, {@code
   * nothing}.
   */
  String describe();

  /** One key of a mapping, with the line of the key. */
  record Entry(String key, int line, YamlNode value) {}

  /** A mapping, its keys in document order (never duplicated). */
  record Mapping(int line, List<Entry> entries) implements YamlNode {
    /** The entry for {@code key}, or null. */
    Entry get(String key) {
      for (Entry e : entries) {
        if (e.key().equals(key)) {
          return e;
        }
      }
      return null;
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** A list. */
  record Sequence(int line, List<YamlNode> items) implements YamlNode {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /** What YAML made of a scalar. */
  enum Type {
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    NULL
  }

  /**
   * A scalar.
   *
   * @param text the text as written (without quotes)
   * @param value {@link java.math.BigInteger} for INTEGER, Double for FLOAT, Boolean for BOOLEAN,
   *     the text for STRING, null for NULL
   */
  record Scalar(int line, Type type, String text, Object value) implements YamlNode {
    @Override
    public String describe() {
      return type == Type.NULL ? "nothing" : "'" + text + "'";
    }
  }
}
