package org.wayleave.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the applied generation in a small text file (the number and a newline). A save writes a
 * temporary file beside it, forces it to disk and renames it over the old one, so a crash leaves
 * either the old number or the new one, never a torn file.
 */
public final class FileAppliedGenerationStore implements AppliedGenerationStore {
  private static final Logger log = LoggerFactory.getLogger(FileAppliedGenerationStore.class);

  private final Path file;

  public FileAppliedGenerationStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  public Path file() {
    return file;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A missing file means 0. So does an unreadable or garbled one, with a warning: the worst a
   * too-low generation costs is one redundant (idempotent) push.
   */
  @Override
  public synchronized long load() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      log.warn("cannot read applied generation from {} ({}); reporting 0", file, e.toString());
      return 0;
    }
    try {
      long g = Long.parseLong(text);
      if (g >= 0) {
        return g;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    log.warn("applied generation file {} holds '{}', not a generation; reporting 0", file, text);
    return 0;
  }

  @Override
  public synchronized void save(long generation) {
    if (generation < 0) {
      throw new IllegalArgumentException(
          "generation: must not be negative (got " + generation + ")");
    }
    Path dir = file.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap((generation + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot save applied generation " + generation + " to " + file, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the next save makes another; a stray temp file is harmless
        }
      }
    }
  }

  @Override
  public String toString() {
    return "FileAppliedGenerationStore[" + file + "]";
  }
}
