package org.wayleave.cli.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Splits one file into its YAML documents with Jackson's streaming YAML parser, keeping the line of
 * every key and list item. One document is parsed at a time, so a bad document is reported before a
 * syntax error further down.
 */
final class DocumentReader implements AutoCloseable {
  // A plain empty value (`name:`) is null, as YAML means it; a quoted empty one stays a string.
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

  /**
   * One document.
   *
   * @param number 1-based, counting empty documents
   * @param line 1-based line of its first token
   * @param root its value; null for an empty document (only comments, or nothing, between
   *     separators)
   */
  record Document(int number, int line, YamlNode root) {}

  private final Path file;
  private final YAMLParser parser;
  private final Deque<String> path = new ArrayDeque<>();
  private int documents;

  DocumentReader(Path file, String text) throws ManifestException {
    this.file = file;
    try {
      this.parser = YAML.createParser(text);
    } catch (IOException e) {
      throw new ManifestException(file, 0, 0, "", "cannot read: " + e.getMessage(), e);
    }
  }

  /** The next document, or null after the last. */
  Document next() throws ManifestException {
    int number = documents + 1;
    path.clear();
    try {
      JsonToken t = parser.nextToken();
      if (t == null) {
        return null;
      }
      documents = number;
      int line = line();
      if (t == JsonToken.VALUE_NULL) {
        return new Document(number, line, null);
      }
      return new Document(number, line, value(t, ""));
    } catch (JsonProcessingException e) {
      throw syntaxError(number, e);
    } catch (IOException e) {
      throw new ManifestException(file, number, 0, "", "cannot read: " + e.getMessage(), e);
    }
  }

  private int line() {
    return parser.currentTokenLocation().getLineNr();
  }

  private YamlNode value(JsonToken t, String at) throws IOException, ManifestException {
    int line = line();
    if (parser.isCurrentAlias()) {
      throw new ManifestException(
          file,
          documents,
          line,
          at,
          "YAML aliases (*"
              + parser.getText()
              + ") are not supported in manifests; write the value out");
    }
    switch (t) {
      case START_OBJECT:
        return mapping(line, at);
      case START_ARRAY:
        return sequence(line, at);
      case VALUE_STRING:
        return new YamlNode.Scalar(line, YamlNode.Type.STRING, parser.getText(), parser.getText());
      case VALUE_NUMBER_INT:
        return integer(line);
      case VALUE_NUMBER_FLOAT:
        return new YamlNode.Scalar(
            line, YamlNode.Type.FLOAT, parser.getText(), parser.getDoubleValue());
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new YamlNode.Scalar(
            line, YamlNode.Type.BOOLEAN, parser.getText(), t == JsonToken.VALUE_TRUE);
      case VALUE_NULL:
        return new YamlNode.Scalar(line, YamlNode.Type.NULL, parser.getText(), null);
      default:
        // Embedded objects (binary tags) and the like: keep the text, let the field decide.
        return new YamlNode.Scalar(
            line, YamlNode.Type.STRING, String.valueOf(parser.getText()), parser.getText());
    }
  }

  private YamlNode integer(int line) throws IOException {
    String text = parser.getText();
    BigInteger v;
    try {
      v = parser.getBigIntegerValue();
    } catch (IOException | RuntimeException e) {
      return new YamlNode.Scalar(line, YamlNode.Type.STRING, text, text);
    }
    return new YamlNode.Scalar(line, YamlNode.Type.INTEGER, text, v);
  }

  private YamlNode mapping(int line, String at) throws IOException, ManifestException {
    path.push(at);
    List<YamlNode.Entry> entries = new ArrayList<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
      if (t != JsonToken.FIELD_NAME) {
        throw new ManifestException(file, documents, line(), at, "expected a key, got " + t);
      }
      String key = parser.currentName();
      int keyLine = line();
      String child = at.isEmpty() ? key : at + "." + key;
      for (YamlNode.Entry e : entries) {
        if (e.key().equals(key)) {
          throw new ManifestException(
              file,
              documents,
              keyLine,
              child,
              "duplicate key (first set on line " + e.line() + ")");
        }
      }
      entries.add(new YamlNode.Entry(key, keyLine, value(parser.nextToken(), child)));
    }
    path.pop();
    return new YamlNode.Mapping(line, List.copyOf(entries));
  }

  private YamlNode sequence(int line, String at) throws IOException, ManifestException {
    path.push(at);
    List<YamlNode> items = new ArrayList<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
      items.add(value(t, at + "[" + items.size() + "]"));
    }
    path.pop();
    return new YamlNode.Sequence(line, List.copyOf(items));
  }

  /** A parse failure as "line: field: problem", the field being the innermost mapping or list. */
  private ManifestException syntaxError(int number, JsonProcessingException e) {
    String field = path.isEmpty() ? "" : path.peek();
    int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    String rule;
    if (e.getCause() instanceof MarkedYAMLException m) {
      rule = m.getProblem();
      if (m.getProblemMark() != null) {
        line = m.getProblemMark().getLine() + 1;
      }
      if (m.getContext() != null && m.getContextMark() != null) {
        rule = m.getContext() + " (line " + (m.getContextMark().getLine() + 1) + "): " + rule;
      } else if (m.getContext() != null) {
        rule = m.getContext() + ": " + rule;
      }
    } else {
      String msg = e.getOriginalMessage();
      rule =
          msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg).strip();
    }
    return new ManifestException(file, number, line, field, "YAML syntax error: " + rule, e);
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      // Reading from a string: nothing to release.
    }
  }
}
