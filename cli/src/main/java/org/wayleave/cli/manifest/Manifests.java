package org.wayleave.cli.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.wayleave.api.v1.Resource;

/**
 * Reads and writes manifests: YAML files of one or more documents separated by {@code ---}, each a
 * {@code kind} (Council, Supplier, Site, Device, VlanPool, Circuit) followed by the object's fields
 * in the protobuf JSON mapping (lowerCamelCase or snake_case names; enum values by name, with or
 * without their type prefix: {@code PSN_ACCESS} or {@code CIRCUIT_KIND_PSN_ACCESS}). A Site's own
 * {@code kind} is written {@code siteKind}, as the document's kind takes the name.
 *
 * <pre>
 * kind: Circuit
 * id: LPSN-CAM-0002
 * spec:
 *   council: camden
 *   supplier: quillon-carrier
 *   kind: PSN_ACCESS
 *   aEnd: {device: rtr-camden-01, port: ge-0/0/2}
 *   committedMbps: 100
 * </pre>
 *
 * <p>Server-owned fields ({@code meta}, a circuit's {@code status} and {@code spec.generation}) are
 * refused on reading: a manifest says what is wanted, never what the controller observed.
 */
public final class Manifests {
  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .build());

  private static final ObjectWriter JSON =
      new ObjectMapper()
          .writer(
              new DefaultPrettyPrinter()
                  .withSeparators(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                  .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private Manifests() {}

  /**
   * Reads a file, or every {@code *.yaml} / {@code *.yml} file under a directory (recursively,
   * sorted by path), each possibly holding several documents separated by {@code ---}. Empty
   * documents are skipped; a directory without manifests gives an empty list.
   *
   * @return the objects in file and document order
   * @throws ManifestException for the first bad document (nothing is returned then), a missing or
   *     unreadable file, or an object (kind and id) defined twice
   */
  public static List<ManifestItem> read(Path path) throws ManifestException {
    return read(List.of(path));
  }

  /**
   * Reads several paths in order, as {@link #read(Path)} each.
   *
   * @throws ManifestException as {@link #read(Path)}; an object defined twice is refused across
   *     paths too
   */
  public static List<ManifestItem> read(List<Path> paths) throws ManifestException {
    Objects.requireNonNull(paths, "paths");
    List<ManifestItem> out = new ArrayList<>();
    Map<String, ManifestItem> seen = new HashMap<>();
    for (Path p : paths) {
      for (Path file : files(Objects.requireNonNull(p, "path"))) {
        readFile(file, out, seen);
      }
    }
    return List.copyOf(out);
  }

  private static List<Path> files(Path p) throws ManifestException {
    if (!Files.exists(p)) {
      throw new ManifestException(p, 0, 0, "", "no such file or directory");
    }
    if (!Files.isDirectory(p)) {
      return List.of(p);
    }
    try (Stream<Path> walk = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
      return walk.filter(Files::isRegularFile).filter(Manifests::isManifest).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new ManifestException(p, 0, 0, "", "cannot list directory: " + e.getMessage(), e);
    }
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static void readFile(Path file, List<ManifestItem> out, Map<String, ManifestItem> seen)
      throws ManifestException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ManifestException(file, 0, 0, "", "no such file or directory", e);
    } catch (CharacterCodingException e) {
      throw new ManifestException(file, 0, 0, "", "not UTF-8 text", e);
    } catch (IOException e) {
      throw new ManifestException(file, 0, 0, "", "cannot read: " + e.getMessage(), e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte-order mark, as some Windows editors write
    }
    try (DocumentReader docs = new DocumentReader(file, text)) {
      DocumentReader.Document doc;
      while ((doc = docs.next()) != null) {
        if (doc.root() == null) {
          continue;
        }
        Decoder.Decoded d = Decoder.decode(file, doc);
        ManifestItem item =
            new ManifestItem(d.resource(), file, doc.number(), doc.line(), d.ignored());
        String key = Kinds.kindOf(d.resource()) + " " + Kinds.idOf(d.resource());
        ManifestItem first = seen.putIfAbsent(key, item);
        if (first != null) {
          throw new ManifestException(
              file,
              doc.number(),
              d.idLine(),
              "id",
              key
                  + " is defined twice; first at "
                  + first.file()
                  + ":"
                  + first.line()
                  + " (document "
                  + first.document()
                  + ")");
        }
        out.add(item);
      }
    }
  }

  /**
   * Renders objects as manifest documents separated by {@code ---} (the inverse of {@link #read}):
   * enums without their type prefix, fields at their defaults left out.
   *
   * @param withStatus include server-owned fields ({@code meta}, {@code status}, {@code
   *     spec.generation}); such documents show state but are refused by {@link #read}
   * @return YAML text ending in a newline; empty for an empty list
   * @throws IllegalArgumentException if a resource holds no object
   */
  public static String toYaml(List<Resource> resources, boolean withStatus) {
    StringBuilder sb = new StringBuilder();
    for (Resource r : resources) {
      if (sb.length() > 0) {
        sb.append("---\n");
      }
      try {
        sb.append(YAML.writeValueAsString(Encoder.document(r, withStatus)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render " + Kinds.kindOf(r), e);
      }
    }
    return sb.toString();
  }

  /**
   * One object as a manifest document in JSON form (for {@code -o json}), pretty-printed, without a
   * trailing newline; {@link #read} accepts it too (JSON is YAML).
   *
   * @throws IllegalArgumentException if the resource holds no object
   */
  public static String toJson(Resource resource, boolean withStatus) {
    try {
      return JSON.writeValueAsString(Encoder.document(resource, withStatus));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + Kinds.kindOf(resource), e);
    }
  }
}
