package dev.parallax.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The write-ahead log on disk: an endless byte stream cut into segment files named by their start
 * position ({@code wal/%016X}).
 *
 * <h2>Appending</h2>
 * Appends from all threads are encoded and copied into one in-memory buffer under
 * {@code insertLock}; the position a record gets is where it lands in the stream. The decision
 * to attach a full-page image is taken under the same lock as the checkpoint's choice of redo
 * start, so a change logged after the checkpoint's redo point always carries the image of a page
 * last changed before it (torn-write protection does not depend on timing).
 *
 * <h2>Group commit</h2>
 * {@link #flush} is {@link GroupCommit}: one committer at a time writes and fsyncs everything
 * appended so far, the others park and are woken exactly when their record is durable; the next
 * sync waits (briefly) for the committers the last one woke. Appends never wait for a sync: the
 * leader copies the pending bytes under {@code insertLock} and writes the copy outside it.
 * {@link WalStats} counts flush requests and fsyncs, so the ratio is observable.
 *
 * <h2>Asynchronous commit</h2>
 * With the setting on, commits do not wait; a writer thread flushes every
 * {@code walWriterDelayMillis}, which bounds how much acknowledged work a crash can lose.
 */
final class FileWal implements WriteAheadLog, ClockBufferPool.PoolLog {
  private final Path dir;
  private final int segmentBytes;
  private final boolean asynchronous;
  private final long writerDelayMillis;

  private final ReentrantLock insertLock = new ReentrantLock();
  // guarded by insertLock
  private byte[] pending = new byte[1 << 20];
  // guarded by insertLock
  private int pendingLength;
  // guarded by insertLock: the position of pending[0]
  private long pendingStart;
  // guarded by insertLock
  private long insertPos;
  // written under insertLock, read anywhere
  private volatile long redoStart;
  private volatile long insertPosVolatile;

  private final ReentrantLock flushLock = new ReentrantLock();
  private final GroupCommit group = new GroupCommit(this::writeAndSyncPending);
  // guarded by flushLock
  private final Map<Long, FileChannel> segments = new TreeMap<>();

  private final LongAdder records = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder flushRequests = new LongAdder();
  private final LongAdder fsyncs = new LongAdder();
  private final LongAdder images = new LongAdder();
  private Thread writer;
  private volatile boolean closed;
  // set by abandon() (a simulated crash): from then on nothing reaches the files
  private volatile boolean abandoned;
  // guarded by flushLock: a write or fsync failed; nothing after it can be durable
  private boolean syncFailed;

  FileWal(Path directory, StorageSettings settings) {
    this.dir = directory.resolve("wal");
    this.segmentBytes = settings.walSegmentBytes();
    this.asynchronous = settings.asynchronousCommit();
    this.writerDelayMillis = Math.max(1, settings.walWriterDelayMillis());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw FilePageStore.io("create " + dir, e);
    }
  }

  /** After recovery: appends continue at {@code position}, everything before it is durable. */
  void startAt(long position) {
    insertLock.lock();
    try {
      insertPos = position;
      insertPosVolatile = position;
      pendingStart = position;
      pendingLength = 0;
      group.reset(position);
    } finally {
      insertLock.unlock();
    }
    if (asynchronous && writer == null) {
      writer = new Thread(this::writerLoop, "parallax-wal-writer");
      writer.setDaemon(true);
      writer.start();
    }
  }

  private void writerLoop() {
    while (!closed) {
      try {
        Thread.sleep(writerDelayMillis);
        flush(insertPosVolatile);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  @Override
  public long logPageChange(Buffer[] pages, int rmgr, int info, long xid, byte[] payload) {
    long end;
    insertLock.lock();
    try {
      LogRecordFormat.PageRef[] refs = new LogRecordFormat.PageRef[pages.length];
      for (int i = 0; i < pages.length; i++) {
        byte[] image = null;
        if (pages[i].pageLsn() <= redoStart) {
          image = pages[i].data().clone();
          images.increment();
        }
        refs[i] = new LogRecordFormat.PageRef(pages[i].id(), image);
      }
      end = appendLocked(rmgr, info, xid, refs, payload);
    } finally {
      insertLock.unlock();
    }
    for (Buffer b : pages) {
      SlottedPage.setLsn(b.data(), end);
      ((Frame) b).dirty = true;
    }
    return end;
  }

  @Override
  public long append(int rmgr, int info, long xid, byte[] payload) {
    insertLock.lock();
    try {
      return appendLocked(rmgr, info, xid, new LogRecordFormat.PageRef[0], payload);
    } finally {
      insertLock.unlock();
    }
  }

  /** Appends and returns the record's start position (checkpoint records are found by it). */
  long appendReturningStart(int rmgr, int info, long xid, byte[] payload) {
    insertLock.lock();
    try {
      long start = insertPos;
      appendLocked(rmgr, info, xid, new LogRecordFormat.PageRef[0], payload);
      return start;
    } finally {
      insertLock.unlock();
    }
  }

  private long appendLocked(int rmgr, int info, long xid, LogRecordFormat.PageRef[] refs, byte[] payload) {
    if (closed) {
      throw new DatabaseException(SqlState.ADMIN_SHUTDOWN, "write-ahead log is closed");
    }
    byte[] rec = LogRecordFormat.encode(insertPos, rmgr, info, xid, refs, payload);
    if (pendingLength + rec.length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + rec.length));
    }
    System.arraycopy(rec, 0, pending, pendingLength, rec.length);
    pendingLength += rec.length;
    insertPos += rec.length;
    insertPosVolatile = insertPos;
    records.increment();
    bytes.add(rec.length);
    return insertPos;
  }

  /** Sets the redo start of a beginning checkpoint: the current insert position. */
  long beginCheckpoint() {
    insertLock.lock();
    try {
      redoStart = insertPos;
      return insertPos;
    } finally {
      insertLock.unlock();
    }
  }

  @Override
  public void flush(long lsn) {
    if (lsn <= group.durable()) {
      return;
    }
    flushRequests.increment();
    group.flush(lsn);
  }

  /**
   * The leader's part of {@link #flush}: writes and fsyncs everything appended so far, returns
   * the position now durable. Once the log is abandoned (a simulated crash) nothing more is
   * written: bytes not durable at the crash are gone.
   */
  private long writeAndSyncPending() {
    flushLock.lock();
    try {
      if (abandoned) {
        throw new DatabaseException(SqlState.ADMIN_SHUTDOWN, "write-ahead log is closed");
      }
      if (syncFailed) {
        throw new DatabaseException(SqlState.IO_ERROR, "an earlier write or fsync of the write-ahead log failed");
      }
      byte[] chunk;
      long start;
      insertLock.lock();
      try {
        start = pendingStart;
        chunk = Arrays.copyOf(pending, pendingLength);
        pendingStart += pendingLength;
        pendingLength = 0;
        if (pending.length > (4 << 20)) {
          pending = new byte[1 << 20];
        }
      } finally {
        insertLock.unlock();
      }
      if (chunk.length == 0) {
        return start;
      }
      Set<FileChannel> touched = writeRange(start, chunk);
      for (FileChannel ch : touched) {
        ch.force(false); // fdatasync: the data and the file size, not the modification time
      }
      fsyncs.increment();
      return start + chunk.length;
    } catch (IOException e) {
      // The copied bytes have left the pending buffer and the page cache may have dropped them:
      // no later sync could make them durable, so none may claim to (the log stays failed).
      syncFailed = true;
      throw FilePageStore.io("write the write-ahead log", e);
    } finally {
      flushLock.unlock();
    }
  }

  // guarded by flushLock
  private Set<FileChannel> writeRange(long start, byte[] chunk) throws IOException {
    Set<FileChannel> touched = new HashSet<>();
    int off = 0;
    while (off < chunk.length) {
      long pos = start + off;
      long seg = pos - pos % segmentBytes;
      int n = (int) Math.min(chunk.length - off, seg + segmentBytes - pos);
      FileChannel ch = segment(seg);
      ByteBuffer buf = ByteBuffer.wrap(chunk, off, n);
      long at = pos - seg;
      while (buf.hasRemaining()) {
        at += ch.write(buf, at);
      }
      touched.add(ch);
      off += n;
    }
    return touched;
  }

  private FileChannel segment(long start) throws IOException {
    FileChannel ch = segments.get(start);
    if (ch == null) {
      ch = FileChannel.open(segmentPath(start), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      segments.put(start, ch);
    }
    return ch;
  }

  private Path segmentPath(long start) {
    return dir.resolve(String.format("%016X", start));
  }

  /** Reads {@code n} bytes of the stream at {@code pos}, or null if the log ends before. */
  byte[] read(long pos, int n) {
    byte[] out = new byte[n];
    int off = 0;
    try {
      while (off < n) {
        long p = pos + off;
        long seg = p - p % segmentBytes;
        Path path = segmentPath(seg);
        if (!Files.exists(path)) {
          return null;
        }
        int want = (int) Math.min(n - off, seg + segmentBytes - p);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
          ByteBuffer buf = ByteBuffer.wrap(out, off, want);
          long at = p - seg;
          while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
              return null;
            }
            at += r;
          }
        }
        off += want;
      }
      return out;
    } catch (IOException e) {
      throw FilePageStore.io("read the write-ahead log", e);
    }
  }

  /** After replay: cut the log at {@code end} (a torn tail is discarded) and drop later segments. */
  void truncateAt(long end) {
    flushLock.lock();
    try (Stream<Path> files = Files.list(dir)) {
      long endSeg = end - end % segmentBytes;
      for (Path p : files.toList()) {
        long start = Long.parseUnsignedLong(p.getFileName().toString(), 16);
        if (start > endSeg) {
          Files.delete(p);
        } else if (start == endSeg) {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            // Cut the torn tail: nothing written before the crash may survive past the end, or a
            // later replay could run on into stale records (their CRCs cover their positions).
            ch.truncate(end - endSeg);
            ch.force(true);
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new DatabaseException(SqlState.IO_ERROR, "could not truncate the write-ahead log: " + e.getMessage(), e);
    } finally {
      flushLock.unlock();
    }
  }

  /** Deletes segments that end at or before {@code redo}: replay never reads them again. */
  void removeSegmentsBefore(long redo) {
    flushLock.lock();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        long start = Long.parseUnsignedLong(p.getFileName().toString(), 16);
        if (start + segmentBytes <= redo) {
          FileChannel ch = segments.remove(start);
          if (ch != null) {
            ch.close();
          }
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new DatabaseException(SqlState.IO_ERROR, "could not recycle log segments: " + e.getMessage(), e);
    } finally {
      flushLock.unlock();
    }
  }

  @Override
  public long insertPosition() {
    return insertPosVolatile;
  }

  @Override
  public long flushedPosition() {
    return group.durable();
  }

  @Override
  public boolean asynchronousCommit() {
    return asynchronous;
  }

  @Override
  public WalStats stats() {
    return new WalStats(records.sum(), bytes.sum(), flushRequests.sum(), fsyncs.sum(), images.sum());
  }

  // ---- what the buffer pool needs ----

  @Override
  public void flushBeforeWrite(long pageLsn) {
    flush(pageLsn);
  }

  @Override
  public void beforeHintDirty(Frame frame) {
    if (frame.pageLsn() > redoStart) {
      return;
    }
    long end;
    insertLock.lock();
    try {
      if (frame.pageLsn() > redoStart) {
        return;
      }
      images.increment();
      LogRecordFormat.PageRef ref = new LogRecordFormat.PageRef(frame.id(), frame.data().clone());
      end = appendLocked(ResourceManagers.STORAGE, StorageRecords.FULL_PAGE_IMAGE, 0,
          new LogRecordFormat.PageRef[] {ref}, new byte[0]);
    } finally {
      insertLock.unlock();
    }
    SlottedPage.setLsn(frame.data(), end);
  }

  @Override
  public void relationCreated(int relation) {
    append(ResourceManagers.STORAGE, StorageRecords.CREATE_RELATION, 0, StorageRecords.relation(relation));
  }

  @Override
  public void relationDropped(int relation) {
    long end = append(ResourceManagers.STORAGE, StorageRecords.DROP_RELATION, 0, StorageRecords.relation(relation));
    flush(end); // the file is deleted right after: the drop must be durable first
  }

  /** Simulated crash: stop, discard unflushed records, close files. */
  void abandon() {
    abandoned = true;
    closed = true;
    if (writer != null) {
      writer.interrupt();
    }
    closeFiles();
  }

  void close() {
    if (!closed) {
      flush(insertPosVolatile);
    }
    closed = true;
    if (writer != null) {
      writer.interrupt();
    }
    closeFiles();
  }

  private void closeFiles() {
    flushLock.lock();
    try {
      for (FileChannel ch : segments.values()) {
        try {
          ch.close();
        } catch (IOException e) {
          // nothing left to do with a log file we are leaving
        }
      }
      segments.clear();
    } finally {
      flushLock.unlock();
    }
  }
}
