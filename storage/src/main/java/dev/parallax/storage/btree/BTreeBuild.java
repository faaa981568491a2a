package dev.parallax.storage.btree;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.WriteAheadLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a tree bottom-up from entries in key order, as CREATE INDEX on a filled table does:
 * leaves are filled left to right (90% full, leaving room for later inserts), then each level
 * above from the downlinks of the one below (70% full, as splits there cost more), until one page
 * remains, the root. Every page is logged as one image. The relation must not exist yet and
 * nobody else may use it until the build returns.
 */
public final class BTreeBuild {
  /** Entries in ascending (key, tid) order. */
  public interface SortedEntries {
    boolean next();

    byte[] key();

    long tid();
  }

  private static final int CAPACITY = SlottedPage.PAGE_SIZE - SlottedPage.HEADER_SIZE - BTreePage.SPECIAL_SIZE;

  private final BufferPool pool;
  private final WriteAheadLog wal;
  private final int relation;

  BTreeBuild(BufferPool pool, WriteAheadLog wal, int relation) {
    this.pool = pool;
    this.wal = wal;
    this.relation = relation;
  }

  /** A downlink to write one level up: the child's low key (null for the leftmost) and block. */
  private record Downlink(byte[] low, int block) {}

  void run(SortedEntries entries) {
    pool.createRelation(relation);
    try (Buffer meta = pool.extend(relation)) {
      LevelWriter leaves = new LevelWriter(true, 0, 0.9);
      byte[] previous = null;
      while (entries.next()) {
        byte[] item = BTreePage.leafItem(entries.key(), entries.tid());
        if (item.length > BTreePage.MAX_ITEM_SIZE) {
          throw new DatabaseException(SqlState.PROGRAM_LIMIT_EXCEEDED, "index row size " + item.length
              + " exceeds maximum " + BTreePage.MAX_ITEM_SIZE + " for index relation " + relation);
        }
        if (previous != null && Arrays.compareUnsigned(previous, item) >= 0) {
          throw new IllegalArgumentException("btree build: entries not in ascending order");
        }
        leaves.add(item, item);
        previous = item;
      }
      List<Downlink> level = leaves.finish();
      int height = 0;
      while (level.size() > 1) {
        height++;
        LevelWriter w = new LevelWriter(false, height, 0.7);
        for (Downlink d : level) {
          byte[] sep = d.low() == null ? new byte[0] : d.low();
          w.add(BTreePage.internalItem(sep, d.block()), sep);
        }
        level = w.finish();
      }
      meta.latchExclusive();
      try {
        BTreePage.initMeta(meta.data(), level.get(0).block(), height);
        wal.logPageChange(meta, ResourceManagers.BTREE, BTreeRecords.IMAGE, 0, BTreeRecords.images(meta.data()));
      } finally {
        meta.unlatch();
      }
    }
  }

  /** Fills the pages of one level left to right. */
  private final class LevelWriter {
    private final boolean leaf;
    private final int level;
    private final int target;
    private final List<Downlink> written = new ArrayList<>();
    private final byte[] page = new byte[SlottedPage.PAGE_SIZE];
    private Buffer current;
    private byte[] currentLow;
    private int used;

    LevelWriter(boolean leaf, int level, double fill) {
      this.leaf = leaf;
      this.level = level;
      this.target = (int) (CAPACITY * fill);
    }

    /** Adds an item whose compared part is {@code key} (the high key of the page before it if it starts a page). */
    void add(byte[] item, byte[] key) {
      int need = item.length + SlottedPage.LINE_POINTER_SIZE;
      if (current == null) {
        start(null);
      } else if (used + need + key.length + SlottedPage.LINE_POINTER_SIZE > target && BTreePage.count(page) > 0) {
        Buffer next = pool.extend(relation);
        write(next.id().block(), key);
        start(next);
        currentLow = key;
      }
      if (!SlottedPage.insertOrdered(page, BTreePage.count(page), item, 0, item.length)) {
        throw new IllegalStateException("btree build: item does not fit on an empty page");
      }
      used += need;
    }

    private void start(Buffer next) {
      current = next != null ? next : pool.extend(relation);
      BTreePage.init(page, leaf, level, 0);
      used = 0;
    }

    /** Writes the current page with the given right link and high key (null: rightmost). */
    private void write(int rightLink, byte[] highKey) {
      BTreePage.setRightLink(page, rightLink);
      if (highKey != null) {
        SlottedPage.insertOrdered(page, 0, highKey, 0, highKey.length);
      }
      current.latchExclusive();
      try {
        System.arraycopy(page, 12, current.data(), 12, SlottedPage.PAGE_SIZE - 12);
        wal.logPageChange(current, ResourceManagers.BTREE, BTreeRecords.IMAGE, 0, BTreeRecords.images(current.data()));
      } finally {
        current.unlatch();
      }
      written.add(new Downlink(currentLow, current.id().block()));
      current.close();
      current = null;
    }

    List<Downlink> finish() {
      if (current == null) {
        start(null);
      }
      write(0, null);
      return written;
    }
  }
}
