package org.wayleave.bench;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What a benchmark says besides its figures: notes for the JSON, and progress lines or none. */
final class RunNotes {
  @Option(
      names = "--note",
      paramLabel = "TEXT",
      description = "A note to record in the JSON (repeatable), e.g. 'other builds running'.")
  List<String> notes = new ArrayList<>();

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;
}
