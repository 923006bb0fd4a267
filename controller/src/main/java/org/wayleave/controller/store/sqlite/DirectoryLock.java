package org.wayleave.controller.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.StoreException;

/**
 * Holds a data directory for one store: no other store of this JVM may open it, and no other
 * process either (an OS lock on {@code wayleave.lock} in it).
 */
final class DirectoryLock {
  private static final Logger log = LoggerFactory.getLogger(DirectoryLock.class);
  private static final String LOCK_FILE = "wayleave.lock";

  /**
   * The data directories (real paths) this JVM holds. OS file locks belong to the process, not to a
   * channel, and closing any channel on the lock file drops all of the process's locks on it; so a
   * second open in this JVM must be refused before it opens the lock file at all.
   */
  private static final Set<Path> HELD_DIRS = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes {@code dir} (a real path) for this store; {@code named} is the directory as the caller
   * gave it, for messages. On failure nothing is held.
   *
   * @throws StoreException if this process or another one holds the directory
   */
  static DirectoryLock acquire(Path dir, Path named) throws IOException {
    if (!HELD_DIRS.add(dir)) {
      throw new StoreException(
          "data directory " + named + " is in use by another Wayleave store in this process");
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new StoreException(
            "data directory "
                + named
                + " is in use by another Wayleave process ("
                + LOCK_FILE
                + " is locked)");
      }
      return new DirectoryLock(dir, channel, lock);
    } catch (IOException | RuntimeException e) {
      abandon(dir, channel, e);
      throw e;
    }
  }

  /** Lets the directory go after a failed open; what fails in doing so is added to {@code e}. */
  void abandon(Throwable e) {
    abandon(dir, channel, e);
  }

  private static void abandon(Path dir, FileChannel channel, Throwable e) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
    }
    HELD_DIRS.remove(dir);
  }

  /** Releases the directory when the store closes. */
  void release() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      log.debug("releasing the data directory lock failed", e);
    } finally {
      HELD_DIRS.remove(dir);
    }
  }
}
