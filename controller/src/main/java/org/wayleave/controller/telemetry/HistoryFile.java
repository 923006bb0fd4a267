package org.wayleave.controller.telemetry;

import static org.wayleave.controller.telemetry.HistoryLayout.HEADER_BYTES;
import static org.wayleave.controller.telemetry.HistoryLayout.LAYOUT_BYTES;
import static org.wayleave.controller.telemetry.HistoryLayout.ORDER;
import static org.wayleave.controller.telemetry.HistoryLayout.USED_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.concurrent.DaemonThreads;

/**
 * The rate history of every polled interface: one fixed-size record each, in segments laid out by
 * {@link HistoryLayout}, either memory-mapped from a file (the controller's, under its data
 * directory, so history survives a restart) or on the heap (tests and tools). With a file the heap
 * holds only the index from interface to record (about 130 bytes an interface: 13 MB at 100,000),
 * rebuilt from the records' keys at open; the values stay in the page cache, which the kernel
 * writes back. A new segment is written out in full before it is mapped (3.3 MB at a 60 s
 * interval), so the file takes its full size as interfaces first appear. {@link #startFlushing}
 * forces them to disk every minute, and {@link #close} once more: a controller that dies loses
 * nothing the kernel had, a machine that dies at most a minute.
 *
 * <p>A file whose header does not describe this layout (another poll interval or retention, another
 * version, or not a history file at all) is set aside under a new name, with a warning, and a fresh
 * one started: history is lost for plots, never fatal. A record whose interface has not been polled
 * for the whole retention is freed for the next new interface, at open and hourly. The file is
 * locked while open, so a second controller on the same data directory is refused rather than
 * sharing it.
 *
 * <p>Thread-safe: every access holds this object's lock (a record takes microseconds to update; at
 * 100,000 interfaces a minute that is a few per cent of one thread).
 */
public final class HistoryFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryFile.class);

  /** Its name in its directory. */
  public static final String FILE_NAME = "rates.dat";

  static final Duration FORCE_EVERY = Duration.ofMinutes(1);
  static final Duration RECLAIM_EVERY = Duration.ofHours(1);

  /** Records per segment on the heap: small, since tests hold a few interfaces. */
  static final int MEMORY_RECORDS_PER_SEGMENT = 16;

  /**
   * Heap an index entry takes besides its key's byte array: map node 32, String 24, Integer 16 and
   * about 10 of the map's table (measured: 131 bytes an interface with 25-character keys).
   */
  static final long INDEX_ENTRY_BYTES = 82;

  private final HistoryLayout layout;
  private final Clock clock;
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  private final ByteBuffer header;
  private final List<ByteBuffer> segments = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private long indexKeyBytes;
  private int used;
  private long lastReclaim;
  private long refusals;
  private boolean closed;
  private ScheduledExecutorService flusher;

  private HistoryFile(
      HistoryLayout layout,
      Clock clock,
      Path path,
      FileChannel channel,
      FileLock lock,
      ByteBuffer header) {
    this.layout = layout;
    this.clock = clock;
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.header = header.order(ORDER);
    this.lastReclaim = clock.millis();
  }

  /** History on the heap, lost at exit: for tests and tools that do not keep it. */
  public static HistoryFile inMemory(TelemetryConfig config, Clock clock) {
    HistoryLayout layout =
        HistoryLayout.of(config.interval(), config.history(), MEMORY_RECORDS_PER_SEGMENT);
    return new HistoryFile(layout, clock, null, null, null, ByteBuffer.allocate(HEADER_BYTES));
  }

  /**
   * Opens (or creates) the history file at {@code file} for {@code layout}, setting aside one laid
   * out otherwise.
   *
   * @throws IOException if the file cannot be created, mapped or locked (another controller has it)
   */
  public static HistoryFile open(Path file, HistoryLayout layout, Clock clock) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    for (int attempt = 0; ; attempt++) {
      FileChannel ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        FileLock lock = lock(ch, file);
        String mismatch = mismatch(ch, layout);
        if (mismatch == null) {
          ByteBuffer header = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES);
          HistoryFile h = new HistoryFile(layout, clock, file, ch, lock, header);
          try {
            h.load();
            return h;
          } catch (RuntimeException e) {
            mismatch = "what cannot be read (" + e + ")";
          }
        }
        lock.release();
        ch.close();
        if (attempt > 0) {
          throw new IOException(file + ": a fresh history file does not read back: " + mismatch);
        }
        setAside(file, mismatch, layout, clock);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }
  }

  private static FileLock lock(FileChannel ch, Path file) throws IOException {
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new IOException(
          "telemetry history " + file + " is in use by another controller on this data directory");
    }
    return lock;
  }

  /** Why the file does not fit {@code layout}, or null if it does (a new file is made to). */
  private static String mismatch(FileChannel ch, HistoryLayout layout) throws IOException {
    ByteBuffer want = layout.layoutBytes();
    long size = ch.size();
    if (size == 0) {
      ch.write(want.duplicate(), 0);
      ch.write(ByteBuffer.allocate(HEADER_BYTES - LAYOUT_BYTES), LAYOUT_BYTES);
      return null;
    }
    if (size < HEADER_BYTES) {
      return "shorter (" + size + " bytes) than its header";
    }
    ByteBuffer got = ByteBuffer.allocate(LAYOUT_BYTES);
    while (got.hasRemaining() && ch.read(got, got.position()) >= 0) {
      // read until full
    }
    return got.clear().equals(want) ? null : HistoryLayout.describe(got);
  }

  private static void setAside(Path file, String was, HistoryLayout layout, Clock clock)
      throws IOException {
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(clock.instant());
    Path target = file.resolveSibling(file.getFileName() + ".set-aside-" + stamp);
    for (int n = 2; Files.exists(target); n++) {
      target = file.resolveSibling(file.getFileName() + ".set-aside-" + stamp + "-" + n);
    }
    Files.move(file, target);
    log.warn(
        "telemetry history {} holds {}, but this controller keeps {}: moved it to {} and started a"
            + " fresh one (the history before now is in that file only)",
        file,
        was,
        layout.describe(),
        target.getFileName());
  }

  /** Maps the records the header counts and rebuilds the index from their keys. */
  private void load() throws IOException {
    long fits = (channel.size() - HEADER_BYTES) / layout.segmentBytes();
    long capacity = fits * layout.recordsPerSegment();
    used = header.getInt(USED_OFFSET);
    if (used < 0 || used > capacity) {
      log.warn(
          "telemetry history {} counts {} interfaces but holds room for {}; keeping those",
          path,
          used,
          capacity);
      used = (int) Math.max(0, Math.min(capacity, Integer.MAX_VALUE));
      header.putInt(USED_OFFSET, used);
    }
    while ((long) segments.size() * layout.recordsPerSegment() < used) {
      segments.add(segment(segments.size()));
    }
    Map<String, Integer> seen = new HashMap<>();
    int unreadable = 0;
    for (int r = 0; r < used; r++) {
      String key = key(r);
      if (key == null) {
        unreadable++;
        clearKey(r);
        free.push(r);
        continue;
      }
      Integer other = seen.put(key, r);
      if (other != null) {
        // Never written twice; if a damaged file says so, the interface keeps the newer.
        boolean older = view(r).newestMillis() < view(other).newestMillis();
        seen.put(key, older ? other : r);
        clearKey(older ? r : other);
        free.push(older ? r : other);
      }
    }
    seen.forEach(this::indexPut);
    reclaim();
    log.info(
        "telemetry history {}: {} interfaces, {} MB ({})",
        path,
        index.size(),
        channel.size() >> 20,
        layout.describe());
    if (unreadable > 0) {
      log.warn("telemetry history {}: {} damaged records freed", path, unreadable);
    }
  }

  /** Segment {@code i}: mapped from the file (written out first), or on the heap. */
  private ByteBuffer segment(int i) throws IOException {
    if (channel == null) {
      return ByteBuffer.allocate((int) layout.segmentBytes()).order(ORDER);
    }
    long at = HEADER_BYTES + i * layout.segmentBytes();
    long end = at + layout.segmentBytes();
    // Zeros written rather than a sparse extension: a full disk then fails here, not as a fault on
    // some later write to the mapping.
    ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
    for (long p = Math.max(at, channel.size()); p < end; ) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), end - p));
      p += channel.write(zeros, p);
    }
    return channel.map(FileChannel.MapMode.READ_WRITE, at, layout.segmentBytes()).order(ORDER);
  }

  public HistoryLayout layout() {
    return layout;
  }

  /**
   * Adds what a poll at {@code epochMillis} measured on an interface over {@code seconds}. A new
   * interface gets a record, a reused one if any is free; when none can be had (the disk is full)
   * its history is not kept, with a warning the first time.
   */
  public synchronized void add(
      String device, String name, long epochMillis, Rates rates, double seconds) {
    if (closed) {
      return;
    }
    String key = HistoryLayout.key(device, name);
    Integer r = index.get(key);
    if (r == null) {
      try {
        r = allocate(key);
      } catch (IOException | RuntimeException e) {
        if (refusals++ == 0) {
          log.warn("telemetry history {}: no room for another interface's history", path, e);
        }
        return;
      }
    }
    view(r).add(epochMillis, rates, seconds);
  }

  /** An interface's points between two times at {@code res}; empty if it has no history. */
  public synchronized List<RateHistory.Point> range(
      String device, String name, long fromMillis, long toMillis, HistoryLayout.Resolution res) {
    Integer r = closed ? null : index.get(HistoryLayout.key(device, name));
    return r == null ? List.of() : view(r).range(fromMillis, toMillis, res);
  }

  /** Records in the file, free ones included. */
  synchronized int records() {
    return used;
  }

  /** Interfaces with history. */
  public synchronized int interfaces() {
    return index.size();
  }

  /**
   * Heap the history holds: the index (an estimate per entry, as measured) and, when not mapped
   * from a file, the segments themselves.
   */
  public synchronized long heapBytes() {
    long n = index.size() * INDEX_ENTRY_BYTES + indexKeyBytes + free.size() * 24L;
    n += segments.size() * 64L;
    if (channel == null) {
      n += segments.size() * layout.segmentBytes() + HEADER_BYTES;
    }
    return n;
  }

  /** Bytes of the file (0 on the heap). */
  public synchronized long diskBytes() {
    return channel == null ? 0 : HEADER_BYTES + segments.size() * layout.segmentBytes();
  }

  /** Forces the file to disk every minute until {@link #close}. */
  public synchronized void startFlushing() {
    if (channel == null || closed || flusher != null) {
      return;
    }
    flusher =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("wayleave-history-flush"));
    long ms = FORCE_EVERY.toMillis();
    flusher.scheduleWithFixedDelay(this::flush, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Forces what changed to disk, and hourly frees the records of interfaces long gone. */
  public void flush() {
    List<ByteBuffer> mapped;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (clock.millis() - lastReclaim >= RECLAIM_EVERY.toMillis()) {
        reclaim();
      }
      mapped = new ArrayList<>(segments);
    }
    force(mapped);
  }

  private void force(List<ByteBuffer> mapped) {
    try {
      for (ByteBuffer b : mapped) {
        if (b instanceof MappedByteBuffer m) {
          m.force();
        }
      }
      if (header instanceof MappedByteBuffer m) {
        m.force();
      }
    } catch (RuntimeException e) {
      log.warn("telemetry history {}: could not force it to disk", path, e);
    }
  }

  /** Stops flushing, forces the file to disk and unlocks it; later adds are ignored. */
  @Override
  public void close() {
    ScheduledExecutorService f;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      f = flusher;
    }
    if (f != null) {
      f.shutdown();
      try {
        f.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (channel == null) {
      return;
    }
    force(segments);
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      log.warn("telemetry history {}: could not close it", path, e);
    }
  }

  /** Frees the records of interfaces not polled for the whole retention. */
  private void reclaim() {
    long cutoff = clock.millis() - layout.retentionMillis();
    int n = 0;
    for (Iterator<Map.Entry<String, Integer>> it = index.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Integer> e = it.next();
      long newest = view(e.getValue()).newestMillis();
      if (newest == RateHistory.NONE || newest < cutoff) {
        it.remove();
        indexKeyBytes -= arrayBytes(e.getKey());
        clearKey(e.getValue());
        free.push(e.getValue());
        n++;
      }
    }
    lastReclaim = clock.millis();
    if (n > 0) {
      log.info(
          "telemetry history: {} interfaces not polled for {} days freed for reuse",
          n,
          Duration.ofMillis(layout.retentionMillis()).toDays());
    }
  }

  private int allocate(String key) throws IOException {
    int r;
    if (!free.isEmpty()) {
      r = free.pop();
    } else {
      if ((long) segments.size() * layout.recordsPerSegment() <= used) {
        segments.add(segment(segments.size()));
      }
      r = used++;
      header.putInt(USED_OFFSET, used);
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    ByteBuffer seg = segments.get(r / layout.recordsPerSegment());
    int at = layout.keyOffset(r % layout.recordsPerSegment());
    seg.putShort(at, (short) k.length).put(at + 2, k);
    view(r).reset();
    indexPut(key, r);
    return r;
  }

  private void indexPut(String key, int r) {
    index.put(key, r);
    indexKeyBytes += arrayBytes(key);
  }

  /** The heap a key's byte array takes: its header and Latin-1 bytes, to 8. */
  private static long arrayBytes(String key) {
    return (16 + key.length() + 7) & ~7L;
  }

  /** The key of record {@code r}, or null if it is free or unreadable. */
  private String key(int r) {
    ByteBuffer seg = segments.get(r / layout.recordsPerSegment());
    int at = layout.keyOffset(r % layout.recordsPerSegment());
    int len = seg.getShort(at);
    if (len <= 0 || len > HistoryLayout.MAX_KEY) {
      return null;
    }
    byte[] k = new byte[len];
    seg.get(at + 2, k);
    return new String(k, StandardCharsets.UTF_8);
  }

  private void clearKey(int r) {
    segments
        .get(r / layout.recordsPerSegment())
        .putShort(layout.keyOffset(r % layout.recordsPerSegment()), (short) 0);
  }

  private RateHistory view(int r) {
    int per = layout.recordsPerSegment();
    return new RateHistory(layout, segments.get(r / per), r % per);
  }
}
