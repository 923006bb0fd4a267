package org.wayleave.controller.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StateStoreContractTest;
import org.wayleave.controller.store.StoreException;

/** The store contract against the embedded SQLite store, plus what is particular to it. */
class SqliteStateStoreTest extends StateStoreContractTest {

  @TempDir Path dir;

  private SqliteStateStore current;

  @Override
  protected StateStore openStore() {
    current = SqliteStateStore.open(dir);
    return current;
  }

  @Override
  protected StateStore reopenStore() {
    current.close();
    current = SqliteStateStore.open(dir);
    return current;
  }

  // ---------------------------------------------------------------------------- SQLite only

  @Test
  void secondOpenOfTheSameDirectoryWhileTheFirstIsOpenFailsAsInUse() {
    put("/s/a", "1");

    assertThatThrownBy(() -> SqliteStateStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("in use")
        .hasMessageContaining(dir.getFileName().toString());
    // The same directory spelt differently is still the same directory.
    assertThatThrownBy(() -> SqliteStateStore.open(dir.resolve(".")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("in use");

    // The refused open left the first store working.
    assertThat(put("/s/b", "2")).isEqualTo(2);
    assertThat(valueOf("/s/a")).isEqualTo("1");
  }

  @Test
  void refusedOpenDoesNotReleaseTheLockSoAnotherProcessIsStillKeptOut() throws Exception {
    assertThatThrownBy(() -> SqliteStateStore.open(dir)).isInstanceOf(StoreException.class);

    // OS file locks belong to the process: if the refused open had closed a channel on the lock
    // file, the first store's lock would be gone and another process could open the directory.
    assertThat(openInAnotherProcess(dir))
        .as("exit code of the other process")
        .isEqualTo(EXIT_IN_USE);

    store.close();
    assertThat(openInAnotherProcess(dir))
        .as("exit code once the store is closed")
        .isEqualTo(EXIT_OPENED);
  }

  @Test
  void dataSurvivesCloseAndReopen() {
    long created = put("/s/a", "a1");
    long updated = put("/s/a", "a2");
    put("/s/b", "b");
    delete("/s/b");
    put("/s/empty", "");
    store.close();

    try (SqliteStateStore reopened = SqliteStateStore.open(dir)) {
      assertThat(reopened.get("/s/a"))
          .contains(new KeyValue("/s/a", "a2".getBytes(UTF_8), created, updated, 2));
      assertThat(reopened.get("/s/b")).isEmpty();
      assertThat(reopened.list("/s/").kvs())
          .extracting(KeyValue::key)
          .containsExactly("/s/a", "/s/empty");
      assertThat(reopened.get("/s/empty").orElseThrow().value()).isEmpty();
      assertThat(reopened.audit("/s/", 0, 10)).hasSize(5);
    }
  }

  @Test
  void revisionSurvivesReopenAndKeepsCounting() {
    for (int i = 0; i < 5; i++) {
      put("/s/k" + i, "v");
    }
    long last = delete("/s/k0");
    assertThat(last).isEqualTo(6);
    store.close();

    try (SqliteStateStore reopened = SqliteStateStore.open(dir)) {
      assertThat(reopened.revision()).isEqualTo(last);
      assertThat(reopened.list("").revision()).isEqualTo(last);
    }
    restart();
    assertThat(store.revision()).isEqualTo(last);
    assertThat(put("/s/next", "v")).isEqualTo(last + 1);
  }

  @Test
  void failedOpenOfAnUnusableFileLeavesTheDirectoryFree() throws IOException {
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.write(
        other.resolve(SqliteStateStore.DB_FILE), "not a database ".repeat(300).getBytes(UTF_8));

    assertThatThrownBy(() -> SqliteStateStore.open(other))
        .isInstanceOf(StoreException.class)
        .hasMessageNotContaining("in use");

    // Once the file is fixed, the directory opens: the failed open held on to nothing.
    Files.delete(other.resolve(SqliteStateStore.DB_FILE));
    try (SqliteStateStore s = SqliteStateStore.open(other)) {
      assertThat(s.revision()).isZero();
    }
  }

  // --------------------------------------------------------------- a second process, for locks

  static final int EXIT_OPENED = 0;
  static final int EXIT_IN_USE = 3;
  static final int EXIT_OTHER_FAILURE = 4;

  /**
   * Runs {@link OpenInAnotherProcess} on {@code dataDir} in a new JVM and returns its exit code.
   */
  private static int openInAnotherProcess(Path dataDir) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    OpenInAnotherProcess.class.getName(),
                    dataDir.toString()))
            .redirectErrorStream(true)
            .start();
    // Drained so the child can never block on a full pipe; read until it exits.
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the other process did not finish: " + new String(output, UTF_8));
    }
    int code = p.exitValue();
    if (code != EXIT_OPENED && code != EXIT_IN_USE) {
      throw new AssertionError(
          "the other process failed (" + code + "): " + new String(output, UTF_8));
    }
    return code;
  }

  /** Tries to open a data directory, from another JVM; the exit code says what happened. */
  public static final class OpenInAnotherProcess {
    public static void main(String[] args) {
      int code;
      try (SqliteStateStore s = SqliteStateStore.open(Path.of(args[0]))) {
        code = EXIT_OPENED;
      } catch (StoreException e) {
        System.out.println(e.getMessage());
        code = e.getMessage().contains("in use") ? EXIT_IN_USE : EXIT_OTHER_FAILURE;
      }
      System.exit(code);
    }
  }
}
