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
 * Keeps the applied generation and the term in a small text file ({@code "<generation> <term>"} and
 * a newline; the generation alone while no term was followed, as files from before terms hold). A
 * save writes a temporary file beside it, forces it to disk and renames it over the old one, so a
 * crash leaves either the old numbers or the new ones, never a torn file.
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
    return read()[0];
  }

  @Override
  public synchronized long term() {
    return read()[1];
  }

  /**
   * The generation and the term. A missing file means 0 and 0. So does an unreadable or garbled
   * one, with a warning: the worst a too-low generation costs is one redundant (idempotent) push,
   * and a too-low term only trusts the leader the controller has now.
   */
  private long[] read() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return new long[] {0, 0};
    } catch (IOException e) {
      log.warn("cannot read applied generation from {} ({}); reporting 0", file, e.toString());
      return new long[] {0, 0};
    }
    String[] parts = text.split("\\s+");
    try {
      long g = Long.parseLong(parts[0]);
      long t = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
      if (g >= 0 && t >= 0 && parts.length <= 2) {
        return new long[] {g, t};
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    log.warn("applied generation file {} holds '{}', not a generation; reporting 0", file, text);
    return new long[] {0, 0};
  }

  @Override
  public synchronized void save(long generation, long term) {
    if (generation < 0) {
      throw new IllegalArgumentException(
          "generation: must not be negative (got " + generation + ")");
    }
    if (term < 0) {
      throw new IllegalArgumentException("term: must not be negative (got " + term + ")");
    }
    Path dir = file.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(
            ByteBuffer.wrap(
                (generation + (term > 0 ? " " + term : "") + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
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
