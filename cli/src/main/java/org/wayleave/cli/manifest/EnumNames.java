package org.wayleave.cli.manifest;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Enum values with or without their type prefix: {@code PSN_ACCESS} for {@code
 * CIRCUIT_KIND_PSN_ACCESS} (type {@code CircuitKind}), {@code V3} for {@code SNMP_VERSION_V3}.
 * Works from the descriptor, so new enums need nothing here.
 */
final class EnumNames {
  private EnumNames() {}

  /** {@code SnmpAuthProtocol} to {@code SNMP_AUTH_PROTOCOL}. */
  static String upperSnake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        char prev = camel.charAt(i - 1);
        boolean nextLower = i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
        if (Character.isLowerCase(prev)
            || Character.isDigit(prev)
            || (Character.isUpperCase(prev) && nextLower)) {
          sb.append('_');
        }
      }
      sb.append(Character.toUpperCase(c));
    }
    return sb.toString();
  }

  /** The prefix the enum's values carry: the type name in upper snake case and an underscore. */
  static String prefix(EnumDescriptor type) {
    return upperSnake(type.getName()) + "_";
  }

  /**
   * The value {@code name} stands for: its full name, or its name without the type's prefix.
   *
   * @return null when neither
   */
  static EnumValueDescriptor resolve(EnumDescriptor type, String name) {
    EnumValueDescriptor v = type.findValueByName(name);
    if (v == null) {
      v = type.findValueByName(prefix(type) + name);
    }
    return v;
  }

  /**
   * The shortest unambiguous name of a value: without the type prefix, unless what is left would be
   * empty or would read as another value's full name.
   */
  static String shortName(EnumValueDescriptor v) {
    String prefix = prefix(v.getType());
    String name = v.getName();
    if (name.startsWith(prefix) && name.length() > prefix.length()) {
      String rest = name.substring(prefix.length());
      if (v.getType().findValueByName(rest) == null) {
        return rest;
      }
    }
    return name;
  }

  /** The values a user would mean, short names, for error messages (no *_UNSPECIFIED). */
  static List<String> choices(EnumDescriptor type) {
    List<String> out = new ArrayList<>();
    for (EnumValueDescriptor v : type.getValues()) {
      if (v.getNumber() == 0 && v.getName().endsWith("_UNSPECIFIED")) {
        continue;
      }
      out.add(shortName(v));
    }
    return out;
  }

  /** A value that matches {@code name} but for case, or null: for "did you mean". */
  static EnumValueDescriptor caseInsensitive(EnumDescriptor type, String name) {
    return resolve(type, name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
