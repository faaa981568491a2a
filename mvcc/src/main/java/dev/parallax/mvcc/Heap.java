package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.FreeSpaceMap;
import dev.parallax.storage.PageId;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.WriteAheadLog;
import dev.parallax.txn.CurrentTransaction;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.TransactionStatus;
import java.util.function.LongSupplier;

/**
 * Heap relations of row versions: insert, fetch, scan, update, delete, row lock and vacuum.
 *
 * <p>Every change is made under the page's exclusive latch and logged before the latch is
 * released, so a page written out never holds an unlogged change, and a transaction's changes need
 * no undo: after a crash its versions carry an xmin with no commit record and read as aborted.
 *
 * <p>The heap never waits for another transaction. An update that meets a version changed by a
 * running transaction returns BEING_MODIFIED with that transaction's id; the caller waits for it
 * (outside any latch) and retries. Where a change needs two pages (an update whose new version
 * does not fit on the old page), both are latched in block order, so two such updates cannot
 * deadlock on latches.
 *
 * <p>Every change also clears the all-visible state of the pages it touches (page flag and
 * visibility-map bit) in its own log record, through {@link VisibilityMap#logHeapChange}: a bit
 * left set over a changed page would make index-only scans return rows some snapshot must not
 * see. Map pages are latched after heap pages, never before.
 *
 * <p>Heap-only tuples: an update the caller marks {@code hotAllowed} (no indexed column changes)
 * whose new version fits on the same page makes a HOT chain (see {@link HotChain}); reads through
 * a tid follow the chain from it. Pages are pruned ({@link HeapPrune}) when an update or insert
 * finds one short of room and after a fetch walked a long chain, once {@link #setPruneHorizon}
 * has given the heap the vacuum horizon. Pruning latches only the page, and takes the running
 * table's monitor (the horizon) under it; nothing takes a page latch under that monitor.
 */
public final class Heap {
  private final BufferPool pool;
  private final WriteAheadLog wal;
  private final FreeSpaceMap fsm;
  private final HeapVisibility visibility;
  private final HeapVacuum vacuum;
  private final VisibilityMap visibilityMap;
  private final RelationActivity activity = new RelationActivity();
  /** Where the prune horizon comes from (the transaction manager's oldest xmin); null: no pruning. */
  private volatile LongSupplier pruneHorizon;
  /** A recent prune horizon and when it was read: a lower bound of the current one (it only grows). */
  private volatile long recentHorizon;
  private volatile long recentHorizonNanos;
  private final PruneStats pruneStats = new PruneStats();

  /** Also registers the heap's redo handler, so construct it before recovery. */
  public Heap(StorageEngine storage, TransactionStatus status) {
    this.pool = storage.bufferPool();
    this.wal = storage.wal();
    this.fsm = storage.freeSpace();
    this.visibility = new HeapVisibility(status, storage.settings().asynchronousCommit());
    this.visibilityMap = new VisibilityMap(pool, wal);
    this.vacuum = new HeapVacuum(pool, wal, fsm, visibility, visibilityMap);
    storage.registerRedo(ResourceManagers.HEAP, new HeapRedo());
  }

  public HeapVisibility visibility() {
    return visibility;
  }

  /**
   * Enables page pruning (see {@link HeapPrune}) with the given horizon: the oldest xmin of any
   * transaction or snapshot (what vacuum is given), read each time a page is pruned. Without it
   * (the default) only vacuum removes versions.
   */
  public void setPruneHorizon(LongSupplier oldestXmin) {
    this.pruneHorizon = oldestXmin;
  }

  /** Counters of page pruning since start. */
  public PruneStats pruneStats() {
    return pruneStats;
  }

  /** Largest row data (after the tuple header) that fits on a page. */
  public static int maxRowDataSize() {
    return SlottedPage.MAX_ITEM_SIZE - TupleHeader.SIZE;
  }

  // ---- insert ----------------------------------------------------------------------------------

  /** Inserts a new version written by the current command of {@code tx}; returns where it went. */
  public Tid insert(int relation, CurrentTransaction tx, byte[] rowData) {
    int len = itemLength(relation, rowData);
    long xid = tx.xidForWrite();
    int cid = tx.commandId();
    try (PageChoice target = pageWithRoom(relation, len, -1)) {
      byte[] p = target.buf.data();
      int slot = place(p, target.block, xid, cid, rowData, len);
      visibilityMap.logHeapChange(relation, new Buffer[] {target.buf}, HeapRecords.INSERT, xid,
          HeapRecords.insert(target.initialised, slot, p, SlottedPage.offset(p, slot), len));
      fsm.record(relation, target.block, SlottedPage.freeSpace(p));
      activity.inserted(relation);
      return new Tid(target.block, slot);
    }
  }

  private static int itemLength(int relation, byte[] rowData) {
    int len = TupleHeader.SIZE + rowData.length;
    if (len > SlottedPage.MAX_ITEM_SIZE) {
      throw new DatabaseException(SqlState.PROGRAM_LIMIT_EXCEEDED, "row is too big for relation " + relation
          + ": size " + len + ", maximum " + SlottedPage.MAX_ITEM_SIZE);
    }
    return len;
  }

  /** Adds a new version to a page known to have room; returns its slot. */
  private static int place(byte[] p, int block, long xid, int cid, byte[] rowData, int len) {
    byte[] item = new byte[len];
    System.arraycopy(rowData, 0, item, TupleHeader.SIZE, rowData.length);
    int slot = SlottedPage.addItem(p, item);
    if (slot < 0) {
      throw new IllegalStateException("page " + block + " had no room after the check");
    }
    TupleHeader.init(p, SlottedPage.offset(p, slot), xid, cid, block, slot);
    return slot;
  }

  /**
   * A pinned, exclusively latched page with at least {@code len} bytes free (counting a line
   * pointer), other than {@code avoidBlock}: one the free-space map suggests, else the last block,
   * else a new one. A page extended by someone else but not yet initialised is initialised here,
   * and whoever latches it second sees it initialised (extenders check too).
   */
  private PageChoice pageWithRoom(int relation, int len, int avoidBlock) {
    int need = len;
    int candidate = fsm.findPage(relation, need);
    int tries = 0;
    while (candidate >= 0 && tries++ < 8) {
      if (candidate != avoidBlock) {
        PageChoice c = tryPage(relation, candidate, need);
        if (c != null) {
          return c;
        }
      } else {
        fsm.record(relation, candidate, 0);
      }
      candidate = fsm.findPage(relation, need);
    }
    int last = pool.blockCount(relation) - 1;
    if (last >= 0 && last != avoidBlock) {
      PageChoice c = tryPage(relation, last, need);
      if (c != null) {
        return c;
      }
    }
    Buffer buf = pool.extend(relation);
    buf.latchExclusive();
    PageChoice c = new PageChoice(buf, buf.id().block(), initIfNew(buf.data()));
    if (SlottedPage.freeSpace(buf.data()) < need) {
      // Someone else initialised and filled the page between our extend and latch: try again.
      c.close();
      return pageWithRoom(relation, len, avoidBlock);
    }
    return c;
  }

  private PageChoice tryPage(int relation, int block, int need) {
    Buffer buf = pool.pin(new PageId(relation, block));
    buf.latchExclusive();
    boolean init = initIfNew(buf.data());
    int free = SlottedPage.freeSpace(buf.data());
    if (free < need && pruneLocked(relation, buf, block, freshHorizon()) > 0) {
      free = SlottedPage.freeSpace(buf.data());
    }
    if (free >= need) {
      return new PageChoice(buf, block, init);
    }
    fsm.record(relation, block, free);
    buf.unlatch();
    buf.close();
    return null;
  }

  private static boolean initIfNew(byte[] p) {
    if (SlottedPage.isNew(p)) {
      SlottedPage.init(p, 0);
      return true;
    }
    return false;
  }

  /** A page chosen for a new version: pinned and exclusively latched until closed. */
  private static final class PageChoice implements AutoCloseable {
    final Buffer buf;
    final int block;
    /** The page was all-zero and initialised by us: the log record must say so. */
    final boolean initialised;

    PageChoice(Buffer buf, int block, boolean initialised) {
      this.buf = buf;
      this.block = block;
      this.initialised = initialised;
    }

    @Override
    public void close() {
      buf.unlatch();
      buf.close();
    }
  }

  // ---- read ------------------------------------------------------------------------------------

  /**
   * The version of the row at {@code tid} that {@code snap} sees, or null. {@code tid} names a
   * version or a HOT chain's root (what index entries name); the chain is followed from there
   * within the page (see {@link HotChain}) and the first member the snapshot sees is returned, with
   * its own tid. At most one member is visible to an MVCC snapshot, so for a tid naming a visible
   * version that version is the answer. A read that walked a long chain whose first member is
   * already dead prunes the page afterwards (see {@link #PRUNE_AFTER_WALK}).
   */
  public HeapTuple fetch(int relation, Tid tid, Snapshot snap, CurrentTransaction tx) {
    if (!tid.isValid() || tid.block() >= pool.blockCount(relation)) {
      return null;
    }
    try (Buffer buf = pool.pin(new PageId(relation, tid.block()))) {
      HeapTuple found = null;
      int walked = 0;
      long firstDeleter = 0; // the first member's xmax when known committed (hint bit), else 0
      buf.latchShared();
      try {
        byte[] p = buf.data();
        int first = HotChain.firstMember(p, tid.slot());
        for (int m = first; m >= 0 && walked < HotChain.MAX_LENGTH; m = HotChain.next(p, tid.block(), m)) {
          walked++;
          int off = SlottedPage.offset(p, m);
          if (visibility.satisfiesMvcc(p, off, buf, snap, tx)) {
            int len = SlottedPage.length(p, m);
            byte[] copy = new byte[len];
            System.arraycopy(p, off, copy, 0, len);
            found = new HeapTuple(new Tid(tid.block(), m), copy, 0, len);
            break;
          }
          // (after the visibility test, which may just have set the hint; under asynchronous
          // commit there are no committed hints, and only updates and inserts prune)
          if (m == first && TupleHeader.has(p, off, TupleHeader.XMAX_COMMITTED)
              && !TupleHeader.has(p, off, TupleHeader.XMAX_LOCK_ONLY)) {
            firstDeleter = TupleHeader.xmax(p, off);
          }
        }
      } finally {
        buf.unlatch();
      }
      // Prune when the walk was long and its first member is dead to everyone by a recent horizon
      // (taken outside the latch: it needs the running-table lock).
      if (walked >= PRUNE_AFTER_WALK && firstDeleter != 0 && pruneHorizon != null && firstDeleter < recentHorizon()
          && buf.tryLatchExclusive()) {
        try {
          pruneLocked(relation, buf, tid.block(), freshHorizon());
        } finally {
          buf.unlatch();
        }
      }
      return found;
    }
  }

  /**
   * A fetch that walked at least this many chain members, the first of them dead to everyone,
   * prunes the page: without it a row updated again and again keeps every reader walking its
   * dead versions until an update finds the page full.
   */
  static final int PRUNE_AFTER_WALK = 4;

  /**
   * Prunes one page now (see {@link HeapPrune}) with the current horizon; returns the number of
   * line pointers changed. Does nothing when pruning is not enabled ({@link #setPruneHorizon}).
   */
  public int prune(int relation, int block) {
    if (pruneHorizon == null || block < 0 || block >= pool.blockCount(relation)) {
      return 0;
    }
    try (Buffer buf = pool.pin(new PageId(relation, block))) {
      buf.latchExclusive();
      try {
        return pruneLocked(relation, buf, block, freshHorizon());
      } finally {
        buf.unlatch();
      }
    }
  }

  /** Prunes the exclusively latched page with {@code horizon} (0: not enabled); logs one PRUNE record. */
  private int pruneLocked(int relation, Buffer buf, int block, long horizon) {
    byte[] p = buf.data();
    if (horizon == 0 || SlottedPage.isNew(p)) {
      return 0;
    }
    HeapPrune.Actions a = new HeapPrune.Actions();
    HeapPrune.plan(p, buf, block, visibility, horizon, false, a);
    pruneStats.attempted();
    if (a.count == 0) {
      return 0;
    }
    HeapPrune.applyAll(p, block, a);
    wal.logPageChange(buf, ResourceManagers.HEAP, HeapRecords.PRUNE, 0,
        HeapRecords.prune(a.slots, a.actions, a.targets, a.count));
    fsm.record(relation, block, SlottedPage.freeSpace(p));
    pruneStats.pruned(a.removed);
    return a.count;
  }

  /** The current horizon (0 when pruning is not enabled), remembered as the recent one. */
  private long freshHorizon() {
    LongSupplier h = pruneHorizon;
    if (h == null) {
      return 0;
    }
    long v = h.getAsLong();
    recentHorizon = v;
    recentHorizonNanos = System.nanoTime();
    return v;
  }

  /**
   * A horizon at most a millisecond old, for deciding under a shared latch whether pruning could
   * do anything; never above the current one, since the horizon only grows.
   */
  private long recentHorizon() {
    if (System.nanoTime() - recentHorizonNanos > 1_000_000L) {
      return freshHorizon();
    }
    return recentHorizon;
  }

  /** A scan of every version visible to {@code snap}. */
  public HeapScan scan(int relation, Snapshot snap, CurrentTransaction tx) {
    return new HeapScan(pool, visibility, relation, snap, tx);
  }

  /** As {@link #scan}, consumed with {@link HeapScan#advance} (no object per version; see there). */
  public HeapScan streamingScan(int relation, Snapshot snap, CurrentTransaction tx) {
    return new HeapScan(pool, visibility, relation, snap, tx, true);
  }

  /**
   * Follows the update chain from {@code tid} and returns the newest version on it that {@code snap}
   * sees, or null if it sees none (the row was deleted, or the chain was vacuumed away). Each step
   * checks that the next version's xmin is the previous version's xmax: otherwise the slot was
   * reused and the chain ends there. READ COMMITTED writers use this with a fresh snapshot after a
   * concurrent update. Heap-only versions are ordinary links of this chain; a {@code tid} naming a
   * pruned HOT root (a REDIRECT) starts at the redirect's target.
   */
  public HeapTuple latestVersion(int relation, Tid tid, Snapshot snap, CurrentTransaction tx) {
    return latestVersion(relation, tid, 0, snap, tx);
  }

  /**
   * As {@link #latestVersion(int, Tid, Snapshot, CurrentTransaction)}, but the version at
   * {@code tid} must have been written by {@code firstXmin} (0: any), so that a caller holding an
   * old tid whose slot was vacuumed and reused gets null rather than an unrelated row.
   */
  public HeapTuple latestVersion(int relation, Tid tid, long firstXmin, Snapshot snap, CurrentTransaction tx) {
    Tid at = tid;
    long expectedXmin = firstXmin;
    HeapTuple newestVisible = null;
    for (int hops = 0; hops < 1_000_000; hops++) {
      if (!at.isValid() || at.block() >= pool.blockCount(relation)) {
        return newestVisible;
      }
      long xmax;
      Tid next;
      try (Buffer buf = pool.pin(new PageId(relation, at.block()))) {
        buf.latchShared();
        try {
          byte[] p = buf.data();
          if (hops == 0 && expectedXmin == 0 && !isTuple(p, at.slot())) {
            // A HOT chain's root whose first versions were pruned: start at the redirect target.
            int first = HotChain.firstMember(p, at.slot());
            at = first < 0 ? at : new Tid(at.block(), first);
          }
          if (!isTuple(p, at.slot())) {
            return newestVisible;
          }
          int off = SlottedPage.offset(p, at.slot());
          if (expectedXmin != 0 && TupleHeader.xmin(p, off) != expectedXmin) {
            return newestVisible;
          }
          if (visibility.satisfiesMvcc(p, off, buf, snap, tx)) {
            int len = SlottedPage.length(p, at.slot());
            byte[] copy = new byte[len];
            System.arraycopy(p, off, copy, 0, len);
            newestVisible = new HeapTuple(at, copy, 0, len);
          }
          int mask = TupleHeader.infomask(p, off);
          xmax = TupleHeader.xmax(p, off);
          next = TupleHeader.ctid(p, off);
          boolean linked = (mask & TupleHeader.UPDATED) != 0 && (mask & TupleHeader.XMAX_INVALID) == 0
              && xmax != 0 && !next.equals(at);
          if (!linked) {
            return newestVisible;
          }
        } finally {
          buf.unlatch();
        }
      }
      expectedXmin = xmax;
      at = next;
    }
    throw new IllegalStateException("update chain from " + tid + " in relation " + relation + " does not end");
  }

  private static boolean isTuple(byte[] p, int slot) {
    return !SlottedPage.isNew(p) && slot >= 0 && slot < SlottedPage.slotCount(p)
        && SlottedPage.state(p, slot) == SlottedPage.NORMAL;
  }

  // ---- update, delete, lock --------------------------------------------------------------------

  /** Deletes the version at {@code tid} if the current command may; see {@link HeapResult}. */
  public HeapResult delete(int relation, Tid tid, CurrentTransaction tx) {
    long xid = tx.xidForWrite();
    return changeHeader(relation, tid, tx, (buf, p, off) -> {
      setXmax(p, off, tx, xid, false, tid);
      visibilityMap.logHeapChange(relation, new Buffer[] {buf}, HeapRecords.SET_HEADER, xid,
          HeapRecords.setHeader(tid.slot(), p, off));
      activity.deleted(relation);
      return HeapResult.OK;
    });
  }

  /**
   * Locks the version against update and delete until the transaction (or the subtransaction that
   * took the lock) ends. One locker at a time: a second locker gets BEING_MODIFIED and waits, since
   * shared row locks need a multi-transaction xmax (not built yet).
   */
  public HeapResult lock(int relation, Tid tid, CurrentTransaction tx) {
    long xid = tx.xidForWrite();
    return changeHeader(relation, tid, tx, (buf, p, off) -> {
      long xmax = TupleHeader.xmax(p, off);
      int mask = TupleHeader.infomask(p, off);
      if (xmax != 0 && (mask & TupleHeader.XMAX_INVALID) == 0 && tx.isCurrentXid(xmax)) {
        return HeapResult.OK; // already locked by this transaction
      }
      TupleHeader.setXmax(p, off, xid);
      int cleared = mask & ~(TupleHeader.XMAX_INVALID | TupleHeader.XMAX_COMMITTED | TupleHeader.UPDATED
          | TupleHeader.KEYS_UPDATED | TupleHeader.HOT_UPDATED);
      TupleHeader.setInfomask(p, off, cleared | TupleHeader.XMAX_LOCK_ONLY);
      TupleHeader.setCtid(p, off, tid);
      visibilityMap.logHeapChange(relation, new Buffer[] {buf}, HeapRecords.SET_HEADER, xid,
          HeapRecords.setHeader(tid.slot(), p, off));
      return HeapResult.OK;
    });
  }

  /** A change to one version's header, made under the page's exclusive latch. */
  @FunctionalInterface
  private interface HeaderChange {
    HeapResult apply(Buffer buf, byte[] page, int offset);
  }

  /**
   * Pins and exclusively latches the version's page, and applies {@code change} only if the
   * current command may change the version ({@link HeapVisibility#satisfiesUpdate}); otherwise
   * returns why not.
   */
  private HeapResult changeHeader(int relation, Tid tid, CurrentTransaction tx, HeaderChange change) {
    try (Buffer buf = pinTuple(relation, tid)) {
      if (buf == null) {
        return HeapResult.INVISIBLE;
      }
      buf.latchExclusive();
      try {
        byte[] p = buf.data();
        if (!isTuple(p, tid.slot())) {
          return HeapResult.INVISIBLE;
        }
        int off = SlottedPage.offset(p, tid.slot());
        HeapResult check = visibility.satisfiesUpdate(p, off, buf, tx);
        return check.code() != HeapResult.Code.OK ? check : change.apply(buf, p, off);
      } finally {
        buf.unlatch();
      }
    }
  }

  /**
   * Replaces the version at {@code tid} with a new one holding {@code rowData}. The new version goes
   * on the same page when it fits (one record), else on another page (one record naming both).
   * Never a HOT update: the caller adds index entries for the new version.
   */
  public HeapResult update(int relation, Tid tid, byte[] rowData, CurrentTransaction tx) {
    return update(relation, tid, rowData, tx, false);
  }

  /**
   * As {@link #update(int, Tid, byte[], CurrentTransaction)}; with {@code hotAllowed} (the caller
   * found that no indexed column changes) a new version placed on the same page is heap-only: the
   * result says {@link HeapResult#heapOnly()} and the caller adds no index entries. A page short
   * of room is pruned first; if the version still does not fit it goes to another page, as a
   * normal (not heap-only) version.
   */
  public HeapResult update(int relation, Tid tid, byte[] rowData, CurrentTransaction tx, boolean hotAllowed) {
    int len = itemLength(relation, rowData);
    long xid = tx.xidForWrite();
    int cid = tx.commandId();
    Buffer old = pinTuple(relation, tid);
    if (old == null) {
      return HeapResult.INVISIBLE;
    }
    try {
      old.latchExclusive();
      Buffer other = null;
      boolean otherInit = false;
      boolean pruned = false;
      try {
        while (true) {
          byte[] p = old.data();
          if (!isTuple(p, tid.slot())) {
            return HeapResult.INVISIBLE;
          }
          HeapResult check = visibility.satisfiesUpdate(p, SlottedPage.offset(p, tid.slot()), old, tx);
          if (check.code() != HeapResult.Code.OK) {
            return check;
          }
          if (other == null && SlottedPage.freeSpace(p) < len && !pruned) {
            // The version being replaced is live for us, so pruning keeps it (and its slot).
            pruned = true;
            pruneLocked(relation, old, tid.block(), freshHorizon());
          }
          if (other == null && SlottedPage.freeSpace(p) >= len) {
            int newSlot = place(p, tid.block(), xid, cid, rowData, len);
            Tid newTid = new Tid(tid.block(), newSlot);
            int newOff = SlottedPage.offset(p, newSlot);
            if (hotAllowed) {
              TupleHeader.setInfomask(p, newOff, TupleHeader.infomask(p, newOff) | TupleHeader.HEAP_ONLY);
            }
            int off = SlottedPage.offset(p, tid.slot());
            setXmax(p, off, tx, xid, true, newTid);
            if (hotAllowed) {
              TupleHeader.setInfomask(p, off, TupleHeader.infomask(p, off) | TupleHeader.HOT_UPDATED);
            }
            visibilityMap.logHeapChange(relation, new Buffer[] {old}, HeapRecords.UPDATE, xid,
                HeapRecords.update(tid.slot(), p, off, false, newSlot, p, newOff, len));
            fsm.record(relation, tid.block(), SlottedPage.freeSpace(p));
            activity.updated(relation);
            return hotAllowed ? HeapResult.doneHeapOnly(newTid) : HeapResult.done(newTid);
          }
          if (other != null && SlottedPage.freeSpace(other.data()) >= len) {
            byte[] q = other.data();
            int newBlock = other.id().block();
            int newSlot = place(q, newBlock, xid, cid, rowData, len);
            Tid newTid = new Tid(newBlock, newSlot);
            int off = SlottedPage.offset(p, tid.slot());
            setXmax(p, off, tx, xid, true, newTid);
            visibilityMap.logHeapChange(relation, new Buffer[] {old, other}, HeapRecords.UPDATE, xid,
                HeapRecords.update(tid.slot(), p, off, otherInit, newSlot, q, SlottedPage.offset(q, newSlot), len));
            fsm.record(relation, newBlock, SlottedPage.freeSpace(q));
            activity.updated(relation);
            return HeapResult.done(newTid);
          }
          // Need (another) target page. Drop the old page's latch while looking, then latch both
          // in block order; the old version may have changed meanwhile, so the loop re-checks it.
          if (other != null) {
            other.unlatch();
            other.close();
            other = null;
          }
          old.unlatch();
          PageChoice choice = pageWithRoom(relation, len, tid.block());
          other = choice.buf;
          otherInit = choice.initialised;
          if (choice.block < tid.block()) {
            old.latchExclusive();
          } else {
            other.unlatch();
            old.latchExclusive();
            other.latchExclusive();
            otherInit |= initIfNew(other.data());
          }
        }
      } finally {
        if (other != null) {
          other.unlatch();
          other.close();
        }
        old.unlatch();
      }
    } finally {
      old.close();
    }
  }

  private Buffer pinTuple(int relation, Tid tid) {
    if (!tid.isValid() || tid.block() >= pool.blockCount(relation)) {
      return null;
    }
    return pool.pin(new PageId(relation, tid.block()));
  }

  /**
   * Makes {@code xid} the deleter (or updater) of the version at {@code off}, recording the
   * deleting command id: as a combo id when this transaction also inserted the version, since its
   * own later visibility checks need both command ids.
   */
  private static void setXmax(byte[] p, int off, CurrentTransaction tx, long xid, boolean updated, Tid ctid) {
    int mask = TupleHeader.infomask(p, off);
    int cid = tx.commandId();
    long xmin = TupleHeader.xmin(p, off);
    boolean ownInsert = (mask & (TupleHeader.XMIN_COMMITTED | TupleHeader.XMIN_FROZEN)) == 0 && tx.isCurrentXid(xmin);
    if (ownInsert) {
      int cmin = TupleHeader.cmin(p, off, tx.comboCommandIds());
      TupleHeader.setCid(p, off, tx.comboCommandIds().combine(cmin, cid));
      mask |= TupleHeader.COMBO_CID;
    } else {
      TupleHeader.setCid(p, off, cid);
      mask &= ~TupleHeader.COMBO_CID;
    }
    mask &= ~(TupleHeader.XMAX_INVALID | TupleHeader.XMAX_COMMITTED | TupleHeader.XMAX_LOCK_ONLY | TupleHeader.UPDATED
        | TupleHeader.HOT_UPDATED);
    mask |= TupleHeader.KEYS_UPDATED;
    if (updated) {
      mask |= TupleHeader.UPDATED;
    }
    TupleHeader.setXmax(p, off, xid);
    TupleHeader.setInfomask(p, off, mask);
    TupleHeader.setCtid(p, off, ctid);
  }

  // ---- vacuum ----------------------------------------------------------------------------------

  /**
   * Vacuum of a relation without indexes: removes versions dead to every snapshot (given the
   * oldest xmin of any running snapshot) and frees their slots at once, freezes old live ones,
   * marks pages all-visible and records free space for reuse. Also frees DEAD slots left by an
   * interrupted {@link #vacuum(int, long, IndexVacuum)}; so never call it on a relation that has
   * indexes, whose entries may still point at those slots.
   */
  public VacuumStats vacuum(int relation, long oldestXmin) {
    return vacuum(relation, oldestXmin, null, HeapVacuum.DEFAULT_DEAD_TIDS_PER_PASS);
  }

  /**
   * Vacuum of a relation with indexes, in three phases: dead versions' line pointers become DEAD
   * (their storage is reclaimed, the slots are not reusable); {@code indexes} removes the entries
   * pointing at them (once per {@value HeapVacuum#DEFAULT_DEAD_TIDS_PER_PASS} tids); then exactly
   * those slots become UNUSED. DEAD slots left by an interrupted vacuum are handed over again.
   * If {@code indexes} throws, the exception propagates and the slots stay DEAD.
   */
  public VacuumStats vacuum(int relation, long oldestXmin, IndexVacuum indexes) {
    if (indexes == null) {
      throw new IllegalArgumentException("indexes: use vacuum(relation, oldestXmin) for a relation without");
    }
    return vacuum(relation, oldestXmin, indexes, HeapVacuum.DEFAULT_DEAD_TIDS_PER_PASS);
  }

  /** As above, with the batch size of index passes given (tests use small ones). */
  VacuumStats vacuum(int relation, long oldestXmin, IndexVacuum indexes, int deadTidsPerPass) {
    long[] mark = activity.mark(relation);
    VacuumStats stats = vacuum.run(relation, oldestXmin, indexes, deadTidsPerPass);
    activity.vacuumed(relation, mark, stats.liveVersions(), stats.deadKept());
    return stats;
  }

  /**
   * Whether the page's visibility-map bit is set: every tuple on it is visible to every snapshot,
   * so an index-only scan need not fetch it. False when the relation has no map (yet) or the
   * block has no bit. The answer is a hint of the moment: a writer holding the heap page may clear
   * it right after, but only for a change that no snapshot taken before it can see.
   */
  public boolean isAllVisible(int relation, int block) {
    return block >= 0 && visibilityMap.isAllVisible(relation, block);
  }

  /** The relation number of a heap relation's visibility map (which may not exist yet). */
  public static int visibilityMapRelation(int relation) {
    return VisibilityMap.mapRelation(relation);
  }

  /**
   * Drops a heap relation together with its visibility map (the map first), and forgets its
   * counters and free space. Use instead of {@code BufferPool.dropRelation} for heaps.
   */
  public void dropRelation(int relation) {
    visibilityMap.dropWithHeap(relation);
    forget(relation);
  }

  /**
   * Dead versions created since the last vacuum as a fraction of all versions, estimated from the
   * heap's own counters (updates and deletes; aborted inserts are not counted). Drives autovacuum.
   */
  public double deadFraction(int relation) {
    return activity.deadFraction(relation);
  }

  /** Forgets the counters of a dropped relation. */
  public void forget(int relation) {
    activity.forget(relation);
    fsm.forget(relation);
  }
}
