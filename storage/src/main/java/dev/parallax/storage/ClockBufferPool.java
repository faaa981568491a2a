package dev.parallax.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The buffer pool: a fixed array of frames, a concurrent page-id -> frame map, clock-sweep
 * eviction.
 *
 * <h2>Concurrency</h2>
 * Looking a page up is lock-free: map lookup, then CAS on the frame's pin count (see
 * {@link Frame}). A miss takes a victim frame from the clock sweep (which owns it exclusively by
 * CAS-ing its pin count from 0 to -1), writes it back if dirty, unmaps it, maps the new page with
 * {@code putIfAbsent} (a racing loader of the same page loses and retries, so a page is never in
 * two frames) and reads it in. Extension publishes the new frame in the map before raising the
 * relation's block count, so nobody can read the new block from the store meanwhile.
 * {@link FrameHints} skip the map for a remembered frame: they pin it and re-check its
 * {@code pageKey} and load state, as a map lookup re-checks {@code id}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A pinned frame is never evicted; a frame being evicted is never pinned.
 *   <li>A dirty page is written only after the log is durable through its page LSN
 *       ({@link PoolLog#flushBeforeWrite}), so replay can always redo what the page lacks.
 *   <li>The dirty flag is cleared before the page is copied for writing, so a change made while
 *       the copy is written marks the frame dirty again and is not lost.
 * </ul>
 */
final class ClockBufferPool implements BufferPool {
  /** What the pool needs from the write-ahead log. */
  interface PoolLog {
    void flushBeforeWrite(long pageLsn);

    /** A hint-only change is about to dirty the frame: log a full image if the page needs one. */
    void beforeHintDirty(Frame frame);

    void relationCreated(int relation);

    void relationDropped(int relation);
  }

  private static final int MAX_USAGE = 5;

  private final Frame[] frames;
  private final Map<PageId, Frame> map;
  private final PageStore store;
  private final Map<Integer, AtomicInteger> blockCounts = new ConcurrentHashMap<>();
  private final AtomicInteger hand = new AtomicInteger();
  private volatile PoolLog log;
  private final LongAdder hits = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  ClockBufferPool(int frameCount, PageStore store) {
    if (frameCount < 16) {
      throw new IllegalArgumentException("buffer pool needs at least 16 frames, got " + frameCount);
    }
    this.frames = new Frame[frameCount];
    for (int i = 0; i < frameCount; i++) {
      frames[i] = new Frame(i, this);
    }
    this.map = new ConcurrentHashMap<>(frameCount * 2);
    this.store = store;
  }

  void setLog(PoolLog log) {
    this.log = log;
  }

  PageStore store() {
    return store;
  }

  @Override
  public Buffer pin(PageId id) {
    return pinFrame(id, false, true);
  }

  /**
   * @param verify check the checksum when reading from disk; replay passes false for a page it is
   *     about to overwrite with a full-page image, which is how a torn page gets repaired
   */
  Frame pinFrame(PageId id, boolean allowBeyondEnd, boolean verify) {
    while (true) {
      Frame f = map.get(id);
      if (f != null) {
        if (f.tryPin()) {
          if (id.equals(f.id)) {
            f.awaitLoaded();
            if (f.loadState == Frame.FAILED) {
              RuntimeException failure = f.loadFailure;
              f.unpin();
              throw failure;
            }
            hit(f);
            if (countsInUsage(id.relation())) {
              BufferUsage.current().sharedHit++;
            }
            return f;
          }
          f.unpin();
        }
        Thread.onSpinWait();
        continue;
      }
      if (!allowBeyondEnd && id.block() >= blockCount(id.relation())) {
        if (!relationExists(id.relation())) {
          throw new DatabaseException(SqlState.UNDEFINED_TABLE, "relation " + id.relation() + " does not exist");
        }
        throw new DatabaseException(SqlState.INTERNAL_ERROR, "block " + id.block() + " of relation "
            + id.relation() + " is beyond its end (" + blockCount(id.relation()) + " blocks)");
      }
      Frame v = victim();
      v.loadState = Frame.LOADING;
      v.setId(id);
      v.dirty = false;
      v.usage = 1;
      if (map.putIfAbsent(id, v) != null) {
        v.setId(null);
        v.loadState = Frame.VALID;
        v.unpin();
        continue;
      }
      try {
        store.read(id, v.data);
        if (verify && store.checksums()) {
          PageChecksum.verify(id, v.data);
        }
        reads.increment();
        if (countsInUsage(id.relation())) {
          BufferUsage.current().sharedRead++;
        }
        v.finishLoad(Frame.VALID, null);
        return v;
      } catch (RuntimeException e) {
        map.remove(id, v);
        v.finishLoad(Frame.FAILED, e);
        v.unpin();
        throw e;
      }
    }
  }

  /** Counts a pin that found its page buffered. */
  void hit(Frame f) {
    if (f.usage < MAX_USAGE) {
      f.usage++;
    }
    hits.increment();
  }

  /** Whether a pin of the relation counts in {@link BufferUsage}: the commit log is not a table's page. */
  static boolean countsInUsage(int relation) {
    return relation != SystemRelations.COMMIT_LOG;
  }

  @Override
  public FrameHints hints(int relation) {
    return new FrameHints(this, relation);
  }

  /** Takes an unpinned frame by clock sweep; returns it pinned once, unmapped, clean. */
  private Frame victim() {
    int n = frames.length;
    int busy = 0;
    while (true) {
      Frame f = frames[Math.floorMod(hand.getAndIncrement(), n)];
      if (f.pins() != 0) {
        if (++busy > n * 8) {
          throw new DatabaseException(SqlState.PROGRAM_LIMIT_EXCEEDED,
              "no unpinned buffers available (buffer pool of " + n + " frames)");
        }
        continue;
      }
      if (f.usage > 0) {
        f.usage--;
        continue;
      }
      if (!f.casPins(0, -1)) {
        continue;
      }
      PageId old = f.id;
      if (old != null && f.dirty && f.loadState == Frame.VALID) {
        try {
          writeBack(f, old);
        } catch (RuntimeException e) {
          f.setPins(0);
          throw e;
        }
      }
      if (old != null) {
        map.remove(old, f);
        evictions.increment();
      }
      f.setId(null);
      f.dirty = false;
      f.loadState = Frame.VALID;
      f.setPins(1);
      return f;
    }
  }

  /** Writes the frame's page; the caller keeps it from changing (exclusive owner or shared latch). */
  private void writeBack(Frame f, PageId id) {
    f.dirty = false;
    byte[] copy = f.data.clone();
    PoolLog l = log;
    if (l != null) {
      l.flushBeforeWrite(SlottedPage.lsn(copy));
    }
    if (store.checksums()) {
      PageChecksum.set(id, copy);
    }
    store.write(id, copy);
    writes.increment();
  }

  /** Writes every dirty page (checkpoint, close). */
  void flushAll() {
    for (Frame f : frames) {
      if (!f.dirty || !f.tryPin()) {
        continue;
      }
      try {
        PageId id = f.id;
        if (id == null || f.loadState != Frame.VALID || !f.dirty) {
          continue;
        }
        f.latchShared();
        try {
          writeBack(f, id);
        } finally {
          f.unlatch();
        }
      } finally {
        f.unpin();
      }
    }
  }

  void hintChanged(Frame f) {
    if (!f.dirty) {
      PoolLog l = log;
      if (l != null) {
        l.beforeHintDirty(f);
      }
    }
    f.dirty = true;
  }

  @Override
  public Buffer extend(int relation) {
    AtomicInteger count = counter(relation);
    Frame v = victim();
    synchronized (count) {
      int block = count.get();
      PageId id = new PageId(relation, block);
      java.util.Arrays.fill(v.data, (byte) 0);
      v.setId(id);
      v.loadState = Frame.VALID;
      v.dirty = true;
      v.usage = 1;
      Frame prev = map.put(id, v);
      if (prev != null) {
        throw new IllegalStateException("page " + id + " already buffered while extending");
      }
      count.set(block + 1);
    }
    return v;
  }

  /** Replay: pins a block, first extending the relation with zero pages up to it if needed. */
  Frame pinForRedo(PageId id, boolean overwritten) {
    if (!relationExists(id.relation())) {
      createRelationUnlogged(id.relation());
    }
    AtomicInteger count = counter(id.relation());
    synchronized (count) {
      if (count.get() <= id.block()) {
        count.set(id.block() + 1);
      }
    }
    return pinFrame(id, false, !overwritten);
  }

  private AtomicInteger counter(int relation) {
    AtomicInteger c = blockCounts.get(relation);
    if (c != null) {
      return c;
    }
    if (!store.exists(relation)) {
      throw new DatabaseException(SqlState.UNDEFINED_TABLE, "relation " + relation + " does not exist");
    }
    return blockCounts.computeIfAbsent(relation, r -> new AtomicInteger(store.storedBlocks(r)));
  }

  @Override
  public int blockCount(int relation) {
    AtomicInteger c = blockCounts.get(relation);
    if (c != null) {
      return c.get();
    }
    return store.exists(relation) ? counter(relation).get() : 0;
  }

  @Override
  public void createRelation(int relation) {
    if (relationExists(relation)) {
      return;
    }
    createRelationUnlogged(relation);
    PoolLog l = log;
    if (l != null) {
      l.relationCreated(relation);
    }
  }

  void createRelationUnlogged(int relation) {
    store.create(relation);
    blockCounts.computeIfAbsent(relation, r -> new AtomicInteger(store.storedBlocks(r)));
  }

  @Override
  public void dropRelation(int relation) {
    PoolLog l = log;
    if (l != null) {
      l.relationDropped(relation);
    }
    dropRelationUnlogged(relation);
  }

  void dropRelationUnlogged(int relation) {
    for (Frame f : frames) {
      PageId id = f.id;
      if (id != null && id.relation() == relation) {
        f.dirty = false;
        // Hints must not find it any more (the frame keeps its id until evicted, as before).
        f.pageKey = Frame.NO_PAGE;
        f.dropDerived();
        map.remove(id, f);
      }
    }
    blockCounts.remove(relation);
    store.drop(relation);
  }

  @Override
  public boolean relationExists(int relation) {
    return blockCounts.containsKey(relation) || store.exists(relation);
  }

  @Override
  public int frameCount() {
    return frames.length;
  }

  @Override
  public BufferPoolStats stats() {
    return new BufferPoolStats(hits.sum(), reads.sum(), writes.sum(), evictions.sum());
  }

  /** Pin counts of every frame: all zero when nobody holds a page (tests). */
  int pinnedFrames() {
    int n = 0;
    for (Frame f : frames) {
      if (f.pins() != 0) {
        n++;
      }
    }
    return n;
  }
}
