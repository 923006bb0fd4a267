package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The parts of a benchmark's JSON that every benchmark writes alike: the head of the document
 * (which benchmark, when, how long), this JVM and machine, CPU use during the run, the notes, and
 * the indented file itself.
 */
final class BenchJson {
  private static final ObjectMapper INDENTED =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchJson() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** A document for {@code benchmark}: its name and today's date. */
  static ObjectNode root(String benchmark) {
    ObjectNode root = object();
    root.put("benchmark", benchmark);
    root.put("date", LocalDate.now().toString());
    return root;
  }

  /** As {@link #root(String)}, with when the run started and how long it took, in seconds. */
  static ObjectNode root(String benchmark, Instant started, Duration took) {
    ObjectNode root = root(benchmark);
    root.put("started_at", started.toString());
    root.put("duration_s", Math.round(took.toMillis() / 100.0) / 10.0);
    return root;
  }

  /** Puts this JVM's cores, heap limit, Java version and VM into {@code machine}. */
  static void putJvm(ObjectNode machine) {
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("java_version", System.getProperty("java.version"));
    machine.put(
        "java_vm",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
  }

  /**
   * Puts {@code machine.filesystem}: the type and device of {@code fs}, where the data directory
   * was (relative to {@code cwd} when under it), whether it is kept, and whether it is in memory.
   */
  static void putFilesystem(
      ObjectNode machine, FileStore fs, Path cwd, Path dataDir, boolean dataDirKept) {
    ObjectNode n = machine.putObject("filesystem");
    n.put("type", fs.type());
    n.put("device", fs.name());
    n.put("data_dir", BenchPaths.recorded(cwd, dataDir));
    n.put("data_dir_kept", dataDirKept);
    n.put("memory_backed", CoreBenchmark.isMemoryFs(fs.type()));
  }

  /** The operating system's name, version and architecture. */
  static String os() {
    return System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch");
  }

  /**
   * Puts {@code machine.cpu_busy_during_run} from {@link CpuUse#since()}'s {@code busy}, each
   * figure rounded with {@code round}; returns it.
   */
  static ObjectNode putCpuBusy(ObjectNode machine, double[] busy, DoubleUnaryOperator round) {
    ObjectNode b = machine.putObject("cpu_busy_during_run");
    b.put("all_processes_cores", round.applyAsDouble(busy[0]));
    b.put("benchmark_jvm_cores", round.applyAsDouble(busy[1]));
    b.put("other_processes_cores", round.applyAsDouble(busy[2]));
    return b;
  }

  /** Puts {@code root.notes} holding the {@code --note}s given; returns it to add more. */
  static ArrayNode putNotes(ObjectNode root, List<String> notes) {
    ArrayNode noteArray = root.putArray("notes");
    notes.forEach(noteArray::add);
    return noteArray;
  }

  /** {@code text} parsed as JSON. */
  static JsonNode read(String text) throws IOException {
    return INDENTED.readTree(text);
  }

  /** {@code node} as indented JSON text. */
  static String pretty(JsonNode node) throws IOException {
    return INDENTED.writeValueAsString(node);
  }

  /** Writes {@code root} indented into {@code outFile}, creating its directory. */
  static void write(Path outFile, JsonNode root) throws IOException {
    Files.createDirectories(outFile.toAbsolutePath().getParent());
    INDENTED.writeValue(outFile.toFile(), root);
  }
}
