package org.wayleave.controller.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The Prometheus text format (0.0.4) read back into samples, for assertions. */
final class Exposition {
  /** One sample line: {@code name{labels} value}. */
  record Sample(String name, Map<String, String> labels, double value) {}

  final List<Sample> samples = new ArrayList<>();

  /** Family name to help text. */
  final Map<String, String> help = new LinkedHashMap<>();

  /** Family name to type. */
  final Map<String, String> types = new LinkedHashMap<>();

  static Exposition parse(String text) {
    Exposition e = new Exposition();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String rest = line.substring(7);
        int sp = rest.indexOf(' ');
        e.help.put(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1));
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        e.types.put(parts[0], parts[1]);
      } else if (!line.startsWith("#")) {
        e.samples.add(sample(line));
      }
    }
    return e;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).trim();
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("unquoted label value in: " + line);
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).trim().split(" ");
    return new Sample(name, labels, value(rest[0]));
  }

  private static double value(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  /** Samples of {@code name} whose labels include every given pair. */
  List<Sample> find(String name, String... labelPairs) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && matches(s, labelPairs)) {
        out.add(s);
      }
    }
    return out;
  }

  /** The one sample of {@code name} with those labels; fails if there is none or more than one. */
  Sample one(String name, String... labelPairs) {
    List<Sample> found = find(name, labelPairs);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one sample of " + name + " " + List.of(labelPairs) + ", found " + found);
    }
    return found.get(0);
  }

  /** How many series carry each {@code circuit} label value, whatever their name. */
  Map<String, Long> seriesPerCircuit() {
    Map<String, Long> out = new TreeMap<>();
    for (Sample s : samples) {
      String circuit = s.labels().get("circuit");
      if (circuit != null) {
        out.merge(circuit, 1L, Long::sum);
      }
    }
    return out;
  }

  /** Every sample whose labels include every given pair, whatever its name. */
  List<Sample> withLabels(String... labelPairs) {
    return samples.stream().filter(s -> matches(s, labelPairs)).toList();
  }

  private static boolean matches(Sample s, String... labelPairs) {
    for (int k = 0; k < labelPairs.length; k += 2) {
      if (!labelPairs[k + 1].equals(s.labels().get(labelPairs[k]))) {
        return false;
      }
    }
    return true;
  }
}
