package org.wayleave.cli.manifest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Resource;

/**
 * The manifest vocabulary, derived from the contract: a document's {@code kind} is the name of a
 * message in {@link Resource}'s oneof; fields keep their protobuf JSON names, except a top-level
 * field that is itself called {@code kind} (a Site's kind), which would clash with the document's
 * and is written {@code siteKind} (or {@code site_kind}).
 */
final class Kinds {
  /** Document kind name ({@code VlanPool}) to its field in {@link Resource}, in contract order. */
  private static final Map<String, FieldDescriptor> BY_NAME = new LinkedHashMap<>();

  static {
    OneofDescriptor oneof = Resource.getDescriptor().getOneofs().get(0);
    for (FieldDescriptor f : oneof.getFields()) {
      BY_NAME.put(f.getMessageType().getName(), f);
    }
  }

  private static final FieldDescriptor CIRCUIT_STATUS =
      Circuit.getDescriptor().findFieldByNumber(Circuit.STATUS_FIELD_NUMBER);
  private static final FieldDescriptor SPEC_GENERATION =
      CircuitSpec.getDescriptor().findFieldByNumber(CircuitSpec.GENERATION_FIELD_NUMBER);

  private Kinds() {}

  /** Every valid document kind, in contract order. */
  static List<String> names() {
    return new ArrayList<>(BY_NAME.keySet());
  }

  /** The {@link Resource} field for a document kind (case-sensitive), or null. */
  static FieldDescriptor field(String kind) {
    return BY_NAME.get(kind);
  }

  /** The document kind of a resource ({@code Circuit}). */
  static String kindOf(Resource r) {
    return field(r).getMessageType().getName();
  }

  /** The object a resource wraps. */
  static Message unwrap(Resource r) {
    return (Message) r.getField(field(r));
  }

  static Resource wrap(FieldDescriptor kind, Message obj) {
    return Resource.newBuilder().setField(kind, obj).build();
  }

  /** The object's {@code id} ("" when unset). */
  static String idOf(Resource r) {
    return idOf(unwrap(r));
  }

  static String idOf(Message obj) {
    FieldDescriptor id = obj.getDescriptorForType().findFieldByName("id");
    return id == null ? "" : (String) obj.getField(id);
  }

  private static FieldDescriptor field(Resource r) {
    FieldDescriptor f = r.getOneofFieldDescriptor(Resource.getDescriptor().getOneofs().get(0));
    if (f == null) {
      throw new IllegalArgumentException("resource holds no object (its oneof is not set)");
    }
    return f;
  }

  /** The {@code meta.revision} of the object in {@code r} (0 when unset). */
  static long revisionOf(Resource r) {
    Message obj = (Message) r.getField(field(r));
    FieldDescriptor meta = obj.getDescriptorForType().findFieldByName("meta");
    return meta == null ? 0 : ((ObjectMeta) obj.getField(meta)).getRevision();
  }

  /**
   * True for fields the controller owns and manifests never carry: every {@code meta} ({@code
   * ObjectMeta}), a circuit's {@code status} and its {@code spec.generation}.
   */
  static boolean serverOwned(FieldDescriptor f) {
    return (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && f.getMessageType().equals(ObjectMeta.getDescriptor()))
        || f.equals(CIRCUIT_STATUS)
        || f.equals(SPEC_GENERATION);
  }

  /** The name a field has in a manifest: its JSON name, but {@code siteKind} for Site.kind. */
  static String manifestName(FieldDescriptor f, boolean topLevel) {
    if (topLevel && f.getJsonName().equals("kind")) {
      return lowerCamel(f.getContainingType()) + "Kind";
    }
    return f.getJsonName();
  }

  /**
   * The field a manifest key names, by JSON or proto name (and the renamed top-level kind), or
   * null.
   */
  static FieldDescriptor findField(Descriptor type, String key, boolean topLevel) {
    for (FieldDescriptor f : type.getFields()) {
      if (topLevel && f.getJsonName().equals("kind")) {
        String camel = manifestName(f, true);
        if (key.equals(camel) || key.equals(EnumNames.upperSnake(camel).toLowerCase(Locale.ROOT))) {
          return f;
        }
      } else if (key.equals(f.getJsonName()) || key.equals(f.getName())) {
        return f;
      }
    }
    return null;
  }

  private static String lowerCamel(Descriptor type) {
    String n = type.getName();
    return Character.toLowerCase(n.charAt(0)) + n.substring(1);
  }
}
