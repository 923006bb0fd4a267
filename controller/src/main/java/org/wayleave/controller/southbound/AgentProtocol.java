package org.wayleave.controller.southbound;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Drift;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.OptionsProto;
import org.wayleave.api.v1.Report;
import org.wayleave.api.v1.SubInterface;

/**
 * The rules an agent's messages keep. An agent is believed only about its own router and about what
 * it was sent: a Report for a generation never pushed on its stream, an {@code actual} that names
 * another device, an unknown result, text over the contract's {@code max_chars}, or an empty or
 * overlong OS name is a protocol error. The caller then ends the stream with the reason and uses
 * nothing the message said. Each check answers the reason ({@code field: rule}), or null when the
 * message keeps the rules.
 */
final class AgentProtocol {
  /** Most item errors one Report may carry (southbound.proto). */
  static final int MAX_ITEM_ERRORS = 4096;

  /** Most characters of a key or a name in {@code os_names} (southbound.proto). */
  static final int MAX_OS_NAME_CHARS = 64;

  private AgentProtocol() {}

  static String hello(Hello h) {
    String why = tooLong(h, "hello");
    why = why != null ? why : osNames(h.getOsNamesMap(), "hello.os_names");
    return why != null ? why : otherDevice(h.getActual(), h.getDeviceId(), "hello.actual");
  }

  static String report(Report r, AgentSession s) {
    long gen = r.getGeneration();
    if (!s.wasPushed(gen)) {
      long last = s.lastPushedGeneration();
      return "report.generation: "
          + gen
          + " was never pushed on this stream"
          + (last == 0
              ? " (nothing has been pushed on it yet)"
              : " (the last push was generation " + last + ")");
    }
    ApplyResult result = r.getResult();
    int errors = r.getItemErrorsCount();
    if (result != ApplyResult.APPLY_RESULT_APPLIED
        && result != ApplyResult.APPLY_RESULT_PARTIAL
        && result != ApplyResult.APPLY_RESULT_REJECTED) {
      return "report.result: must be APPLY_RESULT_APPLIED, APPLY_RESULT_PARTIAL or"
          + " APPLY_RESULT_REJECTED (got "
          + (result == ApplyResult.UNRECOGNIZED ? "value " + r.getResultValue() : result.name())
          + ")";
    }
    if (result == ApplyResult.APPLY_RESULT_APPLIED && errors > 0) {
      return "report.item_errors: an APPLIED report carries none (got " + errors + ")";
    }
    if (result != ApplyResult.APPLY_RESULT_APPLIED && errors == 0) {
      return "report.item_errors: a "
          + result.name()
          + " report says why in at least one item error";
    }
    if (errors > MAX_ITEM_ERRORS) {
      return "report.item_errors: at most " + MAX_ITEM_ERRORS + " (got " + errors + ")";
    }
    if (!r.hasActual() && r.getOsNamesCount() > 0) {
      return "report.os_names: names the interfaces of an actual, and the report has none";
    }
    String why = tooLong(r, "report");
    why = why != null ? why : osNames(r.getOsNamesMap(), "report.os_names");
    return why != null ? why : otherDevice(r.getActual(), s.deviceId(), "report.actual");
  }

  static String drift(Drift d, AgentSession s) {
    String why = tooLong(d, "drift");
    why = why != null ? why : osNames(d.getOsNamesMap(), "drift.os_names");
    return why != null ? why : otherDevice(d.getActual(), s.deviceId(), "drift.actual");
  }

  /** An empty or overlong key or name; the text itself is never quoted when too long. */
  private static String osNames(Map<String, String> names, String field) {
    for (Map.Entry<String, String> e : names.entrySet()) {
      String key = e.getKey();
      if (key.isEmpty() || key.length() > MAX_OS_NAME_CHARS) {
        return field
            + ": keys have 1 to "
            + MAX_OS_NAME_CHARS
            + " characters (got "
            + key.length()
            + ")";
      }
      int n = e.getValue().length();
      if (n == 0 || n > MAX_OS_NAME_CHARS) {
        return field
            + "['"
            + key
            + "']: names have 1 to "
            + MAX_OS_NAME_CHARS
            + " characters (got "
            + n
            + ")";
      }
    }
    return null;
  }

  private static String otherDevice(DeviceConfig actual, String device, String field) {
    Set<String> names = new HashSet<>();
    for (SubInterface s : actual.getSubInterfacesList()) {
      if (!names.add(s.getName())) {
        return field + ".sub_interfaces: name '" + s.getName() + "' appears more than once";
      }
    }
    if (!actual.getDeviceId().isEmpty() && !actual.getDeviceId().equals(device)) {
      return field
          + ".device_id: names device '"
          + actual.getDeviceId()
          + "', but this stream speaks for '"
          + device
          + "'";
    }
    return null;
  }

  /**
   * The first string in {@code m} longer than its field's {@code max_chars}, as a reason that says
   * how long it was (never the text itself), or null.
   */
  static String tooLong(Message m, String path) {
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String at = path + "." + f.getName();
      List<?> values = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (int i = 0; i < values.size(); i++) {
        Object v = values.get(i);
        String here = f.isRepeated() ? at + "[" + i + "]" : at;
        if (v instanceof Message child) {
          String why = tooLong(child, here);
          if (why != null) {
            return why;
          }
        } else if (v instanceof String text) {
          int max = f.getOptions().getExtension(OptionsProto.maxChars);
          if (max > 0 && text.length() > max) {
            return here + ": at most " + max + " characters (got " + text.length() + ")";
          }
        }
      }
    }
    return null;
  }
}
