package dev.parallax.txn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.PageId;
import dev.parallax.storage.RedoContext;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.SystemRelations;
import dev.parallax.storage.WalRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The commit log: two status bits per transaction id, {@link #XIDS_PER_PAGE} ids per 8 KiB page of
 * relation {@link SystemRelations#COMMIT_LOG}, read and written through the buffer pool.
 *
 * <p>Status changes are logged as COMMIT / ABORT records that name every id they settle and every
 * commit-log page they touch; replay sets the bits again. The page LSN then keeps a page from
 * reaching disk before its commit record (which matters under asynchronous commit) and gives it a
 * full-page image after each checkpoint like any page. A commit that settles ids on several pages
 * holds all of them latched (in block order) while it sets the bits, so no reader sees half of a
 * commit.
 *
 * <p>Pages whose every id has ended never change again: they are copied into a Caffeine cache and
 * read from there without pinning.
 *
 * <p>Page layout: bytes 0..8 page LSN, 8..12 checksum (storage's), bitmap from byte
 * {@link #BITMAP_START}: id {@code x} is at bits {@code 2 * (x % XIDS_PER_PAGE)}.
 */
final class CommitLog {
  static final int IN_PROGRESS = 0;
  static final int COMMITTED = 1;
  static final int ABORTED = 2;
  /**
   * Reserved. PostgreSQL marks sub-ids "sub-committed" first when a commit spans commit-log pages,
   * because it cannot change several pages atomically. Here one record changes every page of the
   * transaction under all their latches, so top and sub ids flip to COMMITTED together and this
   * state is never written.
   */
  static final int SUB_COMMITTED = 3;

  static final int BITMAP_START = 24;
  static final int XIDS_PER_PAGE = (SlottedPage.PAGE_SIZE - BITMAP_START) * 4;

  static final int INFO_COMMIT = 1;
  static final int INFO_ABORT = 2;

  private final StorageEngine storage;
  private final BufferPool pool;
  private final Cache<Long, byte[]> settled = Caffeine.newBuilder().maximumSize(4_096).build();
  private final Object extendLock = new Object();
  /** Ids below this were truncated away: every surviving reference to them is to a committed id. */
  private volatile long truncatedBelow;

  CommitLog(StorageEngine storage) {
    this.storage = storage;
    this.pool = storage.bufferPool();
  }

  /** Creates the relation on first use. */
  void open() {
    if (!pool.relationExists(SystemRelations.COMMIT_LOG)) {
      pool.createRelation(SystemRelations.COMMIT_LOG);
    }
  }

  long truncatedBelow() {
    return truncatedBelow;
  }

  void setTruncatedBelow(long xid) {
    long pageStart = (xid / XIDS_PER_PAGE) * XIDS_PER_PAGE;
    if (pageStart > truncatedBelow) {
      truncatedBelow = pageStart;
      settled.asMap().keySet().removeIf(p -> (p + 1) * XIDS_PER_PAGE <= pageStart);
    }
  }

  /** Makes sure the page holding {@code xid} exists (called when an id is assigned). */
  void ensurePageFor(long xid) {
    long page = xid / XIDS_PER_PAGE;
    if (page < pool.blockCount(SystemRelations.COMMIT_LOG)) {
      return;
    }
    synchronized (extendLock) {
      while (pool.blockCount(SystemRelations.COMMIT_LOG) <= page) {
        pool.extend(SystemRelations.COMMIT_LOG).close();
      }
    }
  }

  /**
   * The status bits of {@code xid}. {@code settledBelow}: every id below it has ended, so a page
   * wholly below it can be cached.
   */
  int status(long xid, long settledBelow) {
    if (xid < truncatedBelow) {
      return COMMITTED;
    }
    long page = xid / XIDS_PER_PAGE;
    byte[] cached = settled.getIfPresent(page);
    if (cached != null) {
      return bits(cached, xid);
    }
    if (page >= pool.blockCount(SystemRelations.COMMIT_LOG)) {
      return IN_PROGRESS;
    }
    try (Buffer b = pool.pin(new PageId(SystemRelations.COMMIT_LOG, (int) page))) {
      b.latchShared();
      try {
        if ((page + 1) * XIDS_PER_PAGE <= settledBelow) {
          settled.put(page, b.data().clone());
        }
        return bits(b.data(), xid);
      } finally {
        b.unlatch();
      }
    }
  }

  private static int bits(byte[] p, long xid) {
    int i = (int) (xid % XIDS_PER_PAGE);
    return (p[BITMAP_START + i / 4] >>> ((i % 4) * 2)) & 3;
  }

  private static void setBits(byte[] p, long xid, int status) {
    int i = (int) (xid % XIDS_PER_PAGE);
    int at = BITMAP_START + i / 4;
    int shift = (i % 4) * 2;
    p[at] = (byte) ((p[at] & ~(3 << shift)) | (status << shift));
  }

  /**
   * Sets {@code status} for all {@code xids} atomically with respect to readers and logs it.
   * Returns the record's end LSN (a commit waits for the log to be durable through it).
   */
  long set(long[] xids, int status, long topXid) {
    TreeMap<Long, List<Long>> byPage = new TreeMap<>();
    for (long x : xids) {
      ensurePageFor(x);
      byPage.computeIfAbsent(x / XIDS_PER_PAGE, k -> new ArrayList<>()).add(x);
    }
    Buffer[] pages = new Buffer[byPage.size()];
    int i = 0;
    for (long page : byPage.keySet()) {
      pages[i++] = pool.pin(new PageId(SystemRelations.COMMIT_LOG, (int) page));
    }
    try {
      for (Buffer b : pages) {
        b.latchExclusive();
      }
      try {
        for (Buffer b : pages) {
          for (long x : byPage.get((long) b.id().block())) {
            setBits(b.data(), x, status);
          }
        }
        return storage.wal().logPageChange(pages, ResourceManagers.TRANSACTION,
            status == COMMITTED ? INFO_COMMIT : INFO_ABORT, topXid, encode(xids));
      } finally {
        for (Buffer b : pages) {
          b.unlatch();
        }
      }
    } finally {
      for (Buffer b : pages) {
        b.close();
      }
    }
  }

  private static byte[] encode(long[] xids) {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 * xids.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(xids.length);
    for (long x : xids) {
      b.putLong(x);
    }
    return b.array();
  }

  /** Replays a COMMIT / ABORT record onto the pages that lack it. */
  void redo(WalRecord r, RedoContext ctx) {
    int status = r.info() == INFO_COMMIT ? COMMITTED : ABORTED;
    ByteBuffer b = ByteBuffer.wrap(r.payload()).order(ByteOrder.LITTLE_ENDIAN);
    int n = b.getInt();
    long[] xids = new long[n];
    for (int i = 0; i < n; i++) {
      xids[i] = b.getLong();
    }
    for (int i = 0; i < r.pages().length; i++) {
      Buffer page = ctx.page(i);
      if (page == null) {
        continue;
      }
      long block = r.pages()[i].block();
      for (long x : xids) {
        if (x / XIDS_PER_PAGE == block) {
          setBits(page.data(), x, status);
        }
      }
    }
  }
}
