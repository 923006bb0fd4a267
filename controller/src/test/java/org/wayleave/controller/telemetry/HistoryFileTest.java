package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history file: reopened with its points, set aside when laid out otherwise, records reused.
 */
class HistoryFileTest {
  static final long MINUTE = 60_000;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir Path dir;

  final TestClock clock = new TestClock(T0.toEpochMilli());
  final HistoryLayout everyMinute =
      HistoryLayout.of(Duration.ofMinutes(1), Duration.ofDays(30), 256);

  Path file() {
    return dir.resolve("telemetry").resolve(HistoryFile.FILE_NAME);
  }

  HistoryFile open(HistoryLayout layout) throws IOException {
    return HistoryFile.open(file(), layout, clock);
  }

  /** A day of polls, one a minute, ending at T0, on {@code ports} ports of two routers. */
  static void fill(HistoryFile h, int ports) {
    for (long t = T0.toEpochMilli() - DAY; t < T0.toEpochMilli(); t += MINUTE) {
      for (int p = 0; p < ports; p++) {
        double bps = 1e6 * (p + 1) * (1 + t / MINUTE % 5);
        h.add("rtr-" + (p % 2), "ge-0/0/" + p, t, new Rates(bps, bps / 3, 0.5, 0, 0), 60);
      }
    }
  }

  List<List<RateHistory.Point>> everyResolution(HistoryFile h, String device, String name) {
    long now = T0.toEpochMilli();
    return Stream.of(
            h.layout().resolve(now - HOUR, now, now, 0, 500),
            h.layout().resolve(now - DAY, now, now, 0, 500),
            h.layout().resolve(now - 2 * DAY, now, now, 0, 500),
            h.layout().resolve(now - HOUR, now, now, 0, 7))
        .map(res -> h.range(device, name, now - 2 * DAY, now, res))
        .toList();
  }

  @Test
  void aReopenedFileHasTheSamePoints() throws IOException {
    List<List<RateHistory.Point>> before;
    try (HistoryFile h = open(everyMinute)) {
      fill(h, 3);
      before = everyResolution(h, "rtr-1", "ge-0/0/1");
      assertThat(h.interfaces()).isEqualTo(3);
      assertThat(h.diskBytes()).isEqualTo(HistoryLayout.HEADER_BYTES + everyMinute.segmentBytes());
    }
    assertThat(before.get(0)).hasSize(60);
    assertThat(before.get(1)).hasSize(288);
    assertThat(before.get(2)).hasSize(24);
    assertThat(before.get(1).get(0).inBpsMax()).isGreaterThan(before.get(1).get(0).inBps());
    try (HistoryFile h = open(everyMinute)) {
      assertThat(h.interfaces()).isEqualTo(3);
      assertThat(everyResolution(h, "rtr-1", "ge-0/0/1")).isEqualTo(before);
      assertThat(h.range("rtr-1", "ge-0/0/9", 0, Long.MAX_VALUE, h.layout().resolve(0, 1, 1, 0, 1)))
          .isEmpty();
      // It goes on from where it was: the next poll lands in the slot after the last.
      h.add("rtr-1", "ge-0/0/1", T0.toEpochMilli(), new Rates(9e9, 0, 0, 0, 0), 60);
      long now = T0.toEpochMilli() + MINUTE;
      List<RateHistory.Point> raw =
          h.range(
              "rtr-1",
              "ge-0/0/1",
              now - HOUR,
              now,
              h.layout().resolve(now - HOUR, now, now, 0, 500));
      assertThat(raw).hasSize(60);
      assertThat(raw.get(59).inBps()).isCloseTo(9e9, offset(9e6));
    }
  }

  @Test
  void interfacesSpanningSegmentsAllComeBack() throws IOException {
    int ports = 2 * everyMinute.recordsPerSegment() + 3;
    try (HistoryFile h = open(everyMinute)) {
      for (int p = 0; p < ports; p++) {
        h.add("rtr", "if" + p, T0.toEpochMilli(), new Rates(p, 0, 0, 0, 0), 60);
      }
      assertThat(h.diskBytes())
          .isEqualTo(HistoryLayout.HEADER_BYTES + 3 * everyMinute.segmentBytes());
    }
    try (HistoryFile h = open(everyMinute)) {
      assertThat(h.interfaces()).isEqualTo(ports);
      long t = T0.toEpochMilli();
      HistoryLayout.Resolution raw = new HistoryLayout.Resolution(0, 1, MINUTE);
      for (int p = 0; p < ports; p += 37) {
        List<RateHistory.Point> one = h.range("rtr", "if" + p, t, t + MINUTE, raw);
        assertThat(one).hasSize(1);
        assertThat(one.get(0).inBps()).isCloseTo(p, offset(p * 0.001 + 0.01));
      }
    }
  }

  @Test
  void aFileLaidOutForAnotherIntervalIsSetAsideAndAFreshOneStarted() throws IOException {
    try (HistoryFile h = open(everyMinute)) {
      fill(h, 1);
    }
    HistoryLayout every10s = HistoryLayout.of(Duration.ofSeconds(10), Duration.ofDays(30), 256);
    try (HistoryFile h = open(every10s)) {
      assertThat(h.interfaces()).isZero();
      fill(h, 1);
      assertThat(h.interfaces()).isEqualTo(1);
    }
    try (Stream<Path> files = Files.list(file().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("rates.dat", "rates.dat.set-aside-20261122T100000Z");
    }
    // And the 10 s file is kept by a controller that polls every 10 s.
    try (HistoryFile h = open(every10s)) {
      assertThat(h.interfaces()).isEqualTo(1);
    }
  }

  @Test
  void aFileThatIsNotHistoryAtAllIsSetAsideToo() throws IOException {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "not a history file, and far too short");
    try (HistoryFile h = open(everyMinute)) {
      assertThat(h.interfaces()).isZero();
    }
    Files.write(file(), new byte[HistoryLayout.HEADER_BYTES + 10]);
    try (HistoryFile h = open(everyMinute)) {
      assertThat(h.interfaces()).isZero();
    }
    try (Stream<Path> files = Files.list(file().getParent())) {
      assertThat(files).hasSize(3);
    }
  }

  @Test
  void aSecondOpenOfTheSameFileIsRefused() throws IOException {
    try (HistoryFile h = open(everyMinute)) {
      assertThatThrownBy(() -> open(everyMinute))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another controller");
    }
    open(everyMinute).close();
  }

  @Test
  void recordsOfInterfacesGoneForTheRetentionAreReused() throws IOException {
    try (HistoryFile h = open(everyMinute)) {
      h.add("rtr", "old", T0.toEpochMilli(), new Rates(1, 1, 0, 0, 0), 60);
      h.add("rtr", "kept", T0.toEpochMilli(), new Rates(1, 1, 0, 0, 0), 60);
      clock.set(T0.toEpochMilli() + 20 * DAY);
      h.add("rtr", "kept", clock.millis(), new Rates(1, 1, 0, 0, 0), 60);
    }
    clock.set(T0.toEpochMilli() + 31 * DAY);
    try (HistoryFile h = open(everyMinute)) {
      assertThat(h.interfaces()).as("freed at open").isEqualTo(1);
      h.add("rtr", "new", clock.millis(), new Rates(1, 1, 0, 0, 0), 60);
      assertThat(h.records()).as("the new one took the old one's record").isEqualTo(2);
      // And while open (hourly): by now "kept" has not been polled for 30 days either.
      clock.set(T0.toEpochMilli() + 51 * DAY);
      h.flush();
      assertThat(h.interfaces()).isEqualTo(1);
      h.add("rtr", "newer", clock.millis(), new Rates(1, 1, 0, 0, 0), 60);
      assertThat(h.records()).isEqualTo(2);
      assertThat(h.range("rtr", "old", 0, Long.MAX_VALUE, h.layout().resolve(0, 1, 1, 0, 1)))
          .isEmpty();
    }
  }

  @Test
  void namesTooLongForARecordKeepApartAndComeBack() throws IOException {
    String device = "rtr-" + "x".repeat(60);
    String a = "ge-0/0/1." + "a".repeat(100) + "1";
    String b = "ge-0/0/1." + "a".repeat(100) + "2";
    assertThat(HistoryLayout.key(device, a)).isNotEqualTo(HistoryLayout.key(device, b));
    assertThat(HistoryLayout.key(device, "é".repeat(200)).getBytes(StandardCharsets.UTF_8))
        .hasSizeLessThanOrEqualTo(HistoryLayout.KEY_BYTES - 2);
    try (HistoryFile h = open(everyMinute)) {
      h.add(device, a, T0.toEpochMilli(), new Rates(1e6, 0, 0, 0, 0), 60);
      h.add(device, b, T0.toEpochMilli(), new Rates(2e6, 0, 0, 0, 0), 60);
    }
    try (HistoryFile h = open(everyMinute)) {
      assertThat(h.interfaces()).isEqualTo(2);
      HistoryLayout.Resolution raw = new HistoryLayout.Resolution(0, 1, MINUTE);
      long t = T0.toEpochMilli();
      assertThat(h.range(device, b, t, t + MINUTE, raw).get(0).inBps()).isCloseTo(2e6, offset(2e3));
    }
  }

  @Test
  void onTheHeapTheSegmentsAreCountedAsHeapAndWithAFileOnlyTheIndex() throws IOException {
    TelemetryConfig config = TelemetryConfig.defaults().withInterval(Duration.ofMinutes(1));
    HistoryFile memory = HistoryFile.inMemory(config, clock);
    fill(memory, 2);
    assertThat(memory.diskBytes()).isZero();
    assertThat(memory.heapBytes()).isGreaterThan(2 * everyMinute.bytesPerRecord());
    try (HistoryFile h = open(everyMinute)) {
      fill(h, 2);
      assertThat(h.heapBytes()).isLessThan(1_000);
      assertThat(h.diskBytes()).isGreaterThan(1_000_000);
    }
  }

  /** A clock tests set. */
  static final class TestClock extends Clock {
    private volatile long millis;

    TestClock(long millis) {
      this.millis = millis;
    }

    void set(long millis) {
      this.millis = millis;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }
}
