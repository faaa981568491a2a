package dev.parallax.storage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The log of the in-memory engine: positions only. Every change still gets a new, increasing page
 * LSN (so code above behaves as with a real log), but no bytes are kept and flushing is free.
 */
final class MemoryWal implements WriteAheadLog, ClockBufferPool.PoolLog {
  private final AtomicLong position = new AtomicLong(1);
  private final LongAdder records = new LongAdder();
  private final LongAdder flushes = new LongAdder();

  @Override
  public long logPageChange(Buffer[] pages, int rmgr, int info, long xid, byte[] payload) {
    long end = position.addAndGet(32 + payload.length);
    records.increment();
    for (Buffer b : pages) {
      SlottedPage.setLsn(b.data(), end);
      ((Frame) b).dirty = true;
    }
    return end;
  }

  @Override
  public long append(int rmgr, int info, long xid, byte[] payload) {
    records.increment();
    return position.addAndGet(32 + payload.length);
  }

  @Override
  public void flush(long lsn) {
    flushes.increment();
  }

  @Override
  public long insertPosition() {
    return position.get();
  }

  @Override
  public long flushedPosition() {
    return position.get();
  }

  @Override
  public boolean asynchronousCommit() {
    return false;
  }

  @Override
  public WalStats stats() {
    return new WalStats(records.sum(), 0, flushes.sum(), 0, 0);
  }

  @Override
  public void flushBeforeWrite(long pageLsn) {}

  @Override
  public void beforeHintDirty(Frame frame) {}

  @Override
  public void relationCreated(int relation) {}

  @Override
  public void relationDropped(int relation) {}
}
