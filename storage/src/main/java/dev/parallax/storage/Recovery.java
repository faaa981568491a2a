package dev.parallax.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Crash recovery: replay the log from the last checkpoint's redo start to its end.
 *
 * <p>No undo is needed: a transaction whose commit record is not in the log is treated as aborted
 * by the layers above (its tuples stay, invisible, until vacuum). Replay stops cleanly at the
 * first record that is missing, short or fails its CRC (a torn tail from the crash); the log is then
 * cut there and appends continue from that point.
 *
 * <p>For each record: pages carrying a full image are restored from it; other pages are handed to
 * the resource manager's redo function only if their page LSN shows they lack the change. Every
 * touched page ends with page LSN = record end, so replaying the same log again changes nothing.
 */
final class Recovery {
  private final FileWal wal;
  private final ClockBufferPool pool;
  private final RedoHandler[] handlers;

  Recovery(FileWal wal, ClockBufferPool pool, RedoHandler[] handlers) {
    this.wal = wal;
    this.pool = pool;
    this.handlers = handlers;
  }

  RecoveryResult run(ControlFile control) {
    long pos = 0;
    byte[] extra = new byte[0];
    if (control != null) {
      byte[] head = wal.read(control.checkpointLsn(), 4);
      LogRecordFormat.Decoded ck = head == null ? null
          : decodeAt(control.checkpointLsn(), SlottedPage.getInt(head, 0));
      if (ck == null || ck.record().resourceManager() != ResourceManagers.STORAGE
          || ck.record().info() != StorageRecords.CHECKPOINT) {
        throw new DatabaseException(SqlState.DATA_CORRUPTED,
            "checkpoint record at " + control.checkpointLsn() + " named by the control file is missing or damaged");
      }
      ByteBuffer b = ByteBuffer.wrap(ck.record().payload()).order(ByteOrder.LITTLE_ENDIAN);
      pos = b.getLong();
      extra = new byte[b.remaining()];
      b.get(extra);
    }
    long replayed = 0;
    long maxXid = 0;
    boolean torn = false;
    while (true) {
      byte[] head = wal.read(pos, 4);
      if (head == null) {
        break;
      }
      int len = SlottedPage.getInt(head, 0);
      if (len == 0) {
        break;
      }
      if (len < LogRecordFormat.HEADER + 14 || len > LogRecordFormat.MAX_RECORD) {
        torn = true;
        break;
      }
      LogRecordFormat.Decoded d = decodeAt(pos, len);
      if (d == null) {
        torn = true;
        break;
      }
      apply(d);
      replayed++;
      maxXid = Math.max(maxXid, d.record().xid());
      if (d.record().resourceManager() == ResourceManagers.STORAGE && d.record().info() == StorageRecords.CHECKPOINT) {
        ByteBuffer b = ByteBuffer.wrap(d.record().payload()).order(ByteOrder.LITTLE_ENDIAN);
        b.getLong();
        extra = new byte[b.remaining()];
        b.get(extra);
      }
      pos = d.record().endLsn();
    }
    wal.truncateAt(pos);
    wal.startAt(pos);
    return new RecoveryResult(extra, replayed, maxXid, torn);
  }

  private LogRecordFormat.Decoded decodeAt(long pos, int len) {
    if (len < LogRecordFormat.HEADER || len > LogRecordFormat.MAX_RECORD) {
      return null;
    }
    byte[] rec = wal.read(pos, len);
    return rec == null ? null : LogRecordFormat.decode(rec, pos);
  }

  private void apply(LogRecordFormat.Decoded d) {
    WalRecord r = d.record();
    if (r.resourceManager() == ResourceManagers.STORAGE) {
      int info = r.info();
      if (info == StorageRecords.CREATE_RELATION) {
        pool.createRelationUnlogged(SlottedPage.getInt(r.payload(), 0));
        return;
      }
      if (info == StorageRecords.DROP_RELATION) {
        pool.dropRelationUnlogged(SlottedPage.getInt(r.payload(), 0));
        return;
      }
    }
    PageId[] ids = r.pages();
    Frame[] frames = new Frame[ids.length];
    Frame[] forHandler = new Frame[ids.length];
    boolean anyForHandler = false;
    try {
      for (int i = 0; i < ids.length; i++) {
        Frame f = pool.pinForRedo(ids[i], d.images()[i] != null);
        frames[i] = f;
        f.latchExclusive();
        if (d.images()[i] != null) {
          System.arraycopy(d.images()[i], 0, f.data, 0, SlottedPage.PAGE_SIZE);
        } else if (f.pageLsn() < r.endLsn()) {
          forHandler[i] = f;
          anyForHandler = true;
        }
      }
      if (r.resourceManager() != ResourceManagers.STORAGE && (anyForHandler || ids.length == 0)) {
        RedoHandler h = r.resourceManager() < handlers.length ? handlers[r.resourceManager()] : null;
        if (h == null) {
          throw new DatabaseException(SqlState.INTERNAL_ERROR,
              "no redo handler registered for resource manager " + r.resourceManager());
        }
        h.redo(r, new RedoContext() {
          @Override
          public Buffer page(int index) {
            return forHandler[index];
          }

          @Override
          public BufferPool bufferPool() {
            return pool;
          }
        });
      }
    } finally {
      for (int i = 0; i < frames.length; i++) {
        Frame f = frames[i];
        if (f == null) {
          continue;
        }
        if (d.images()[i] != null || forHandler[i] != null) {
          SlottedPage.setLsn(f.data, r.endLsn());
          f.dirty = true;
        }
        f.unlatch();
        f.unpin();
      }
    }
  }
}
