package org.wayleave.cli.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.Resource;

/**
 * Renders an object as a manifest document: {@code kind} first, then the set fields in field order
 * under their JSON names, enums without their type prefix, 64-bit integers as numbers.
 */
final class Encoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonFormat.Printer WELL_KNOWN = JsonFormat.printer();

  private Encoder() {}

  /** The document for {@code r}; server-owned fields only when {@code withStatus}. */
  static ObjectNode document(Resource r, boolean withStatus) {
    ObjectNode doc = NODES.objectNode();
    doc.put("kind", Kinds.kindOf(r));
    fields(Kinds.unwrap(r), withStatus, true, doc);
    return doc;
  }

  /** {@code r} without its server-owned fields: what reading its manifest gives back. */
  static Resource withoutServerFields(Resource r) {
    return (Resource) strip(r);
  }

  private static Message strip(Message m) {
    Message.Builder b = m.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (Kinds.serverOwned(f)) {
        b.clearField(f);
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
        b.setField(f, strip((Message) e.getValue()));
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        List<?> items = (List<?>) e.getValue();
        for (int i = 0; i < items.size(); i++) {
          b.setRepeatedField(f, i, strip((Message) items.get(i)));
        }
      }
    }
    return b.build();
  }

  private static void fields(Message m, boolean withStatus, boolean top, ObjectNode out) {
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (!withStatus && Kinds.serverOwned(f)) {
        continue;
      }
      out.set(Kinds.manifestName(f, top), value(f, e.getValue(), withStatus));
    }
  }

  private static JsonNode value(FieldDescriptor f, Object v, boolean withStatus) {
    if (f.isMapField()) {
      ObjectNode out = NODES.objectNode();
      FieldDescriptor keyField = f.getMessageType().findFieldByName("key");
      FieldDescriptor valueField = f.getMessageType().findFieldByName("value");
      for (Object entry : (List<?>) v) {
        Message kv = (Message) entry;
        out.set(
            String.valueOf(kv.getField(keyField)),
            single(valueField, kv.getField(valueField), withStatus));
      }
      return out;
    }
    if (f.isRepeated()) {
      ArrayNode out = NODES.arrayNode();
      for (Object item : (List<?>) v) {
        out.add(single(f, item, withStatus));
      }
      return out;
    }
    return single(f, v, withStatus);
  }

  private static JsonNode single(FieldDescriptor f, Object v, boolean withStatus) {
    switch (f.getType()) {
      case MESSAGE:
      case GROUP:
        Message m = (Message) v;
        if (m.getDescriptorForType().getFile().getPackage().equals("google.protobuf")) {
          return wellKnown(m);
        }
        ObjectNode out = NODES.objectNode();
        fields(m, withStatus, false, out);
        return out;
      case ENUM:
        return NODES.textNode(EnumNames.shortName((EnumValueDescriptor) v));
      case STRING:
        return NODES.textNode((String) v);
      case BYTES:
        return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case BOOL:
        return NODES.booleanNode((Boolean) v);
      case UINT32:
      case FIXED32:
        return NODES.numberNode(Integer.toUnsignedLong((Integer) v));
      case UINT64:
      case FIXED64:
        return NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) v)));
      case INT64:
      case SINT64:
      case SFIXED64:
        return NODES.numberNode((Long) v);
      case FLOAT:
      case DOUBLE:
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          return NODES.textNode(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
        return f.getType() == FieldDescriptor.Type.FLOAT
            ? NODES.numberNode((Float) v)
            : NODES.numberNode(d);
      default:
        return NODES.numberNode((Integer) v);
    }
  }

  private static JsonNode wellKnown(Message m) {
    try {
      return JSON.readTree(WELL_KNOWN.print(m));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + m.getDescriptorForType().getFullName(), e);
    }
  }
}
