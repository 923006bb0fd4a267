package org.wayleave.cli.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Resource;

/**
 * Turns one YAML document into a {@link Resource}: checks it against the message descriptor (field
 * names, value types, enum names, server-owned fields), so every error names its field and line,
 * and rewrites it into the protobuf JSON mapping (JSON names, full enum names) for {@link
 * JsonFormat} to build the message.
 */
final class Decoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  /** A decoded document: the object and the line of its id (for duplicate reports). */
  /**
   * @param ignored server-owned fields the document set, which were left out (a manifest from
   *     {@code get -o yaml}); {@code meta.revision}, if set, became the object's expected revision
   */
  record Decoded(Resource resource, int idLine, List<String> ignored) {}

  private final Path file;
  private final int document;
  private final List<String> ignored = new ArrayList<>();
  private long expectedRevision;

  private Decoder(Path file, int document) {
    this.file = file;
    this.document = document;
  }

  /** Decodes a non-empty document. */
  static Decoded decode(Path file, DocumentReader.Document doc) throws ManifestException {
    return new Decoder(file, doc.number()).document(doc.root(), doc.line());
  }

  private ManifestException error(int line, String field, String rule) {
    return new ManifestException(file, document, line, field, rule);
  }

  private Decoded document(YamlNode root, int line) throws ManifestException {
    String kinds = String.join(", ", Kinds.names());
    if (!(root instanceof YamlNode.Mapping m)) {
      throw error(
          line, "", "expected a mapping (kind, then the object's fields), got " + root.describe());
    }
    YamlNode.Entry kindEntry = m.get("kind");
    if (kindEntry == null
        || (kindEntry.value() instanceof YamlNode.Scalar s && s.type() == YamlNode.Type.NULL)) {
      throw error(
          kindEntry == null ? line : kindEntry.line(),
          "kind",
          "missing: every document needs a kind, one of " + kinds);
    }
    FieldDescriptor kind = null;
    if (kindEntry.value() instanceof YamlNode.Scalar s) {
      kind = Kinds.field(s.text());
    }
    if (kind == null) {
      throw error(
          kindEntry.line(),
          "kind",
          "unknown kind "
              + kindEntry.value().describe()
              + "; valid kinds are "
              + kinds
              + kindHint(kindEntry.value()));
    }
    Descriptor type = kind.getMessageType();
    ObjectNode json = message(type, m, "", true);
    Message.Builder b = Resource.newBuilder().newBuilderForField(kind);
    try {
      PARSER.merge(JSON.writeValueAsString(json), b);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new ManifestException(
          file, document, line, "", "invalid " + type.getName() + ": " + e.getMessage(), e);
    }
    if (expectedRevision > 0) {
      b.setField(
          type.findFieldByName("meta"),
          ObjectMeta.newBuilder().setRevision(expectedRevision).build());
    }
    Message obj = b.build();
    YamlNode.Entry id = m.get("id");
    if (Kinds.idOf(obj).isEmpty()) {
      throw error(
          id == null ? line : id.line(),
          "id",
          "required: every " + type.getName() + " needs an id");
    }
    return new Decoded(Kinds.wrap(kind, obj), id == null ? line : id.line(), List.copyOf(ignored));
  }

  /**
   * "did you mean" for a wrongly cased kind, or for a Site kind written where the document kind
   * goes.
   */
  private static String kindHint(YamlNode value) {
    if (!(value instanceof YamlNode.Scalar s)) {
      return "";
    }
    for (String k : Kinds.names()) {
      if (k.equalsIgnoreCase(s.text())) {
        return " (kinds are case-sensitive: did you mean " + k + "?)";
      }
    }
    for (String k : Kinds.names()) {
      Descriptor type = Kinds.field(k).getMessageType();
      for (FieldDescriptor f : type.getFields()) {
        if (f.getJsonName().equals("kind")
            && f.getJavaType() == FieldDescriptor.JavaType.ENUM
            && EnumNames.resolve(f.getEnumType(), s.text()) != null) {
          return " (a " + k + "'s own kind is written " + Kinds.manifestName(f, true) + ")";
        }
      }
    }
    return "";
  }

  private ObjectNode message(Descriptor type, YamlNode.Mapping m, String at, boolean top)
      throws ManifestException {
    ObjectNode out = NODES.objectNode();
    Map<FieldDescriptor, String> seen = new HashMap<>();
    for (YamlNode.Entry e : m.entries()) {
      if (top && e.key().equals("kind")) {
        continue;
      }
      String path = at.isEmpty() ? e.key() : at + "." + e.key();
      FieldDescriptor f = Kinds.findField(type, e.key(), top);
      if (f == null) {
        throw error(e.line(), path, unknownField(type, e.key(), top));
      }
      if (Kinds.serverOwned(f)) {
        // As kubectl does with status: what the controller owns is ignored, and said so; the
        // revision read with the object is kept as the precondition of the write.
        if (top && f.getMessageType().equals(ObjectMeta.getDescriptor())) {
          expectedRevision = revision(e.value(), path, e.line());
        }
        ignored.add(path);
        continue;
      }
      String before = seen.put(f, e.key());
      if (before != null) {
        throw error(e.line(), path, "set twice (also as '" + before + "')");
      }
      out.set(f.getJsonName(), value(f, e.value(), path, e.line()));
    }
    return out;
  }

  /** The {@code revision} inside a {@code meta} mapping, or 0 if it has none. */
  private long revision(YamlNode meta, String path, int line) throws ManifestException {
    if (!(meta instanceof YamlNode.Mapping m)) {
      throw error(
          line, path, "expected a mapping (as 'get -o yaml' writes it), got " + meta.describe());
    }
    YamlNode.Entry r = m.get("revision");
    if (r == null) {
      return 0;
    }
    String text = r.value() instanceof YamlNode.Scalar s ? s.text().replace("\"", "") : "";
    try {
      long rev = Long.parseLong(text);
      if (rev >= 0) {
        return rev;
      }
    } catch (NumberFormatException ignoredHere) {
      // refused below
    }
    throw error(
        r.line(),
        path + ".revision",
        "must be a revision (a whole number, as 'get -o yaml' writes it), got "
            + r.value().describe());
  }

  private static String unknownField(Descriptor type, String key, boolean top) {
    List<String> valid = new ArrayList<>();
    if (top) {
      valid.add("kind");
    }
    for (FieldDescriptor f : type.getFields()) {
      if (!Kinds.serverOwned(f)) {
        valid.add(Kinds.manifestName(f, top));
      }
    }
    String rule =
        "unknown field '"
            + key
            + "' in "
            + (top ? "a " : "")
            + type.getName()
            + "; valid fields are "
            + String.join(", ", valid);
    String near = nearest(key, valid);
    return near == null ? rule : rule + " (did you mean '" + near + "'?)";
  }

  /**
   * The valid name {@code key} most likely meant: same but for case and separators, or a typo or
   * two away.
   */
  private static String nearest(String key, List<String> valid) {
    String k = squash(key);
    String best = null;
    int bestDistance = 3;
    for (String v : valid) {
      int d = distance(k, squash(v));
      if (d < bestDistance) {
        best = v;
        bestDistance = d;
      }
    }
    return best;
  }

  private static String squash(String s) {
    return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private JsonNode value(FieldDescriptor f, YamlNode n, String path, int line)
      throws ManifestException {
    if (n instanceof YamlNode.Scalar s && s.type() == YamlNode.Type.NULL) {
      return NODES.nullNode(); // as in the JSON mapping: the field keeps its default
    }
    if (f.isMapField()) {
      if (!(n instanceof YamlNode.Mapping m)) {
        throw error(line, path, "expected a mapping, got " + n.describe());
      }
      FieldDescriptor valueField = f.getMessageType().findFieldByName("value");
      ObjectNode out = NODES.objectNode();
      for (YamlNode.Entry e : m.entries()) {
        out.set(e.key(), single(valueField, e.value(), path + "." + e.key(), e.line()));
      }
      return out;
    }
    if (f.isRepeated()) {
      if (!(n instanceof YamlNode.Sequence seq)) {
        throw error(line, path, "expected a list (of " + expected(f) + "), got " + n.describe());
      }
      ArrayNode out = NODES.arrayNode();
      for (int i = 0; i < seq.items().size(); i++) {
        YamlNode item = seq.items().get(i);
        String itemPath = path + "[" + i + "]";
        if (item instanceof YamlNode.Scalar s && s.type() == YamlNode.Type.NULL) {
          throw error(item.line(), itemPath, "expected " + expected(f) + ", got nothing");
        }
        out.add(single(f, item, itemPath, item.line()));
      }
      return out;
    }
    return single(f, n, path, line);
  }

  /** What a field's single value should be, for messages. */
  private static String expected(FieldDescriptor f) {
    return switch (f.getJavaType()) {
      case STRING -> "strings";
      case INT, LONG -> "integers";
      case BOOLEAN -> "true or false";
      case FLOAT, DOUBLE -> "numbers";
      case BYTE_STRING -> "base64 strings";
      case ENUM -> f.getEnumType().getName() + " values";
      case MESSAGE -> f.getMessageType().getName() + " mappings";
    };
  }

  private JsonNode single(FieldDescriptor f, YamlNode n, String path, int line)
      throws ManifestException {
    switch (f.getJavaType()) {
      case MESSAGE:
        if (f.getMessageType().getFile().getPackage().equals("google.protobuf")) {
          return plain(n); // well-known types have their own JSON forms; JsonFormat checks them
        }
        if (!(n instanceof YamlNode.Mapping m)) {
          throw error(
              line,
              path,
              "expected a mapping (" + f.getMessageType().getName() + "), got " + n.describe());
        }
        return message(f.getMessageType(), m, path, false);
      case ENUM:
        return enumValue(f.getEnumType(), n, path, line);
      case STRING:
      case BYTE_STRING:
        if (n instanceof YamlNode.Scalar s) {
          return NODES.textNode(s.text()); // as written: `0123` and `yes` stay strings
        }
        throw error(line, path, "expected a string, got " + n.describe());
      case BOOLEAN:
        if (n instanceof YamlNode.Scalar s) {
          if (s.type() == YamlNode.Type.BOOLEAN) {
            return NODES.booleanNode((Boolean) s.value());
          }
          if (s.type() == YamlNode.Type.STRING
              && (s.text().equals("true") || s.text().equals("false"))) {
            return NODES.booleanNode(Boolean.parseBoolean(s.text()));
          }
        }
        throw error(line, path, "expected true or false, got " + n.describe());
      case FLOAT:
      case DOUBLE:
        if (n instanceof YamlNode.Scalar s) {
          if (s.type() == YamlNode.Type.INTEGER || s.type() == YamlNode.Type.FLOAT) {
            return NODES.numberNode(Double.parseDouble(s.value().toString()));
          }
          if (List.of("NaN", "Infinity", "-Infinity").contains(s.text())) {
            return NODES.textNode(s.text());
          }
        }
        throw error(line, path, "expected a number, got " + n.describe());
      default:
        return integer(f, n, path, line);
    }
  }

  private JsonNode integer(FieldDescriptor f, YamlNode n, String path, int line)
      throws ManifestException {
    BigInteger v = null;
    if (n instanceof YamlNode.Scalar s) {
      if (s.type() == YamlNode.Type.INTEGER) {
        v = (BigInteger) s.value();
      } else if (s.type() == YamlNode.Type.STRING && INTEGER.matcher(s.text().strip()).matches()) {
        v = new BigInteger(s.text().strip());
      }
    }
    if (v == null) {
      throw error(line, path, "expected an integer, got " + n.describe());
    }
    BigInteger min;
    BigInteger max;
    switch (f.getType()) {
      case UINT32, FIXED32 -> {
        min = BigInteger.ZERO;
        max = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
      }
      case UINT64, FIXED64 -> {
        min = BigInteger.ZERO;
        max = TWO_64.subtract(BigInteger.ONE);
      }
      case INT64, SINT64, SFIXED64 -> {
        min = BigInteger.valueOf(Long.MIN_VALUE);
        max = BigInteger.valueOf(Long.MAX_VALUE);
      }
      default -> {
        min = BigInteger.valueOf(Integer.MIN_VALUE);
        max = BigInteger.valueOf(Integer.MAX_VALUE);
      }
    }
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw error(
          line, path, "expected an integer from " + min + " to " + max + ", got " + n.describe());
    }
    return v.bitLength() < 64 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
  }

  private JsonNode enumValue(EnumDescriptor type, YamlNode n, String path, int line)
      throws ManifestException {
    if (n instanceof YamlNode.Scalar s) {
      // Any scalar's text: YAML would read an enum value such as TRUE or ON as a boolean.
      EnumValueDescriptor v = EnumNames.resolve(type, s.text());
      if (v == null
          && s.type() == YamlNode.Type.INTEGER
          && ((BigInteger) s.value()).bitLength() < 32) {
        v = type.findValueByNumber(((BigInteger) s.value()).intValue());
      }
      if (v != null) {
        return NODES.textNode(v.getName());
      }
    }
    String rule =
        "expected one of "
            + String.join(", ", EnumNames.choices(type))
            + " ("
            + type.getName()
            + "; the "
            + EnumNames.prefix(type)
            + " prefix is optional), got "
            + n.describe();
    if (n instanceof YamlNode.Scalar s) {
      EnumValueDescriptor near = EnumNames.caseInsensitive(type, s.text());
      if (near != null) {
        rule += " (enum names are upper case: did you mean " + EnumNames.shortName(near) + "?)";
      }
    }
    throw error(line, path, rule);
  }

  /** A YAML value as plain JSON, for well-known types that JsonFormat parses itself. */
  private static JsonNode plain(YamlNode n) {
    if (n instanceof YamlNode.Mapping m) {
      ObjectNode out = NODES.objectNode();
      for (YamlNode.Entry e : m.entries()) {
        out.set(e.key(), plain(e.value()));
      }
      return out;
    }
    if (n instanceof YamlNode.Sequence seq) {
      ArrayNode out = NODES.arrayNode();
      for (YamlNode item : seq.items()) {
        out.add(plain(item));
      }
      return out;
    }
    YamlNode.Scalar s = (YamlNode.Scalar) n;
    return switch (s.type()) {
      case NULL -> NODES.nullNode();
      case BOOLEAN -> NODES.booleanNode((Boolean) s.value());
      case INTEGER -> NODES.numberNode((BigInteger) s.value());
      case FLOAT -> NODES.numberNode((Double) s.value());
      case STRING -> NODES.textNode(s.text());
    };
  }
}
