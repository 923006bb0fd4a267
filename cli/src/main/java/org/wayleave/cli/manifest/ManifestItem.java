package org.wayleave.cli.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.wayleave.api.v1.Resource;

/**
 * One document of a manifest: the object, and where it came from.
 *
 * @param resource the object, as read (server-owned fields are never set)
 * @param file the file it was read from, as the caller spelt it (directory entries are resolved
 *     against the directory given)
 * @param document 1-based number of the document within the file, counting empty documents
 * @param line 1-based line of the document's first key
 */
public record ManifestItem(
    Resource resource, Path file, int document, int line, List<String> ignored) {
  public ManifestItem {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(file, "file");
    ignored = List.copyOf(ignored);
  }

  /** An item that set no server-owned field. */
  public ManifestItem(Resource resource, Path file, int document, int line) {
    this(resource, file, document, line, List.of());
  }

  /**
   * What was ignored, for a note ({@code null} when nothing was): the server-owned fields the
   * document set, and the revision kept as the write's precondition.
   */
  public String ignoredNote() {
    if (ignored.isEmpty()) {
      return null;
    }
    long revision = Kinds.revisionOf(resource);
    return where()
        + ": ignored "
        + String.join(", ", ignored)
        + " (the controller sets them)"
        + (revision > 0
            ? "; meta.revision "
                + revision
                + " is the expected revision: refused if it changed since"
            : "");
  }

  /**
   * Where the object is, for messages: {@code "examples/london/circuits.yaml:12 (document 3,
   * Circuit LPSN-CAM-0001)"}.
   */
  public String where() {
    return file
        + ":"
        + line
        + " (document "
        + document
        + ", "
        + Kinds.kindOf(resource)
        + " "
        + Kinds.idOf(resource)
        + ")";
  }
}
