package dev.parallax.storage.btree;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferUsage;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.DataCorruptedException;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.PageCopies;
import dev.parallax.storage.FrameHints;
import dev.parallax.storage.PageId;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.WriteAheadLog;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

/**
 * A B+tree index in its own relation: byte-string keys compared as unsigned bytes (callers encode
 * typed keys order-preservingly), each entry pointing at a heap TID.
 *
 * <h2>Concurrency (Lehman and Yao)</h2>
 * Every page has a right link and, unless it is the rightmost of its level, a high key. A search
 * latches one page at a time: it reads the downlink, releases the parent, latches the child and,
 * if the child split in between (the key is at or past its high key), follows right links until
 * it reaches the page whose range holds the key. So readers never block behind a split and never
 * miss an entry that existed when they started: a split only moves entries to the right.
 *
 * <p>An insert descends the same way and latches the leaf exclusively. A split fills a new right
 * page, links it in and flags the left page INCOMPLETE_SPLIT in one logged record, then inserts
 * the downlink into the parent (clearing the flag in the same record), splitting upwards as
 * needed; a split root gets a new root above it. While it inserts the downlink it still holds the
 * left page; it latches parents going up and siblings going right only.
 *
 * <p>Latch order, which makes latch deadlocks impossible: a thread waits for a page latch only
 * when that page is on a higher level than every page it holds, or on the same level and to the
 * right of the page it holds there. Readers hold one latch at a time.
 *
 * <p>Unique inserts serialise on a striped lock per key hash, held across the check and the
 * insert, so that two inserters of one key cannot both pass the check (this engine lives in one
 * process; PostgreSQL gets the same effect from holding the first leaf page's lock).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Within a level, pages are linked left to right; every item of a page is below its high
 *       key, and not below the high key of its left neighbour.
 *   <li>A page's level never changes and pages are never freed (no page deletion yet), so a
 *       cached root, even a stale one, is a valid place to start a search.
 *   <li>A page whose split is incomplete is finished by the first writer that meets it, before
 *       the writer changes anything near it, so a page without a downlink is never split.
 * </ul>
 */
public final class BTree {
  /** Returned by a {@link UniqueCheck} for an entry that does not stand in the way. */
  public static final long NO_CONFLICT = 0;
  /** Returned by a {@link UniqueCheck} for a live entry with the same key: nothing is inserted. */
  public static final long CONFLICT = -1;

  /**
   * Decides whether an existing entry with the same key blocks a unique insert: returns
   * {@link #NO_CONFLICT}, {@link #CONFLICT} or the id of a transaction to wait for (the caller
   * waits and retries).
   */
  @FunctionalInterface
  public interface UniqueCheck {
    long check(long tid);
  }

  private static final int META_BLOCK = 0;
  private static final int STRIPES = 64;

  private final BufferPool pool;
  private final WriteAheadLog wal;
  private final int relation;
  /** Frames of our pages by block: pins without a map lookup or a PageId per level. */
  private final FrameHints hints;
  private final ReentrantLock[] uniqueStripes = new ReentrantLock[STRIPES];
  /**
   * Whether lookups use and make search copies of pages ({@link PageSearch}); tests turn it off,
   * and so does {@code -Dparallax.btree.noSearchCopies=true} (to compare, or to save their heap).
   */
  volatile boolean searchCopies = !Boolean.getBoolean("parallax.btree.noSearchCopies");
  /** A root the search may start from (see the invariants): updated by our own root splits. */
  private volatile long cachedRoot;

  private BTree(BufferPool pool, WriteAheadLog wal, int relation) {
    this.pool = pool;
    this.wal = wal;
    this.relation = relation;
    this.hints = pool.hints(relation);
    for (int i = 0; i < STRIPES; i++) {
      uniqueStripes[i] = new ReentrantLock();
    }
  }

  /**
   * Registers the B+tree's replay; before {@link StorageEngine#recover()}. After recovery, pass
   * the handler's {@link BTreeRedo#incompleteSplits} to {@link #finishIncompleteSplit}.
   */
  public static BTreeRedo registerRedo(StorageEngine storage) {
    BTreeRedo redo = new BTreeRedo();
    storage.registerRedo(ResourceManagers.BTREE, redo);
    return redo;
  }

  /** Creates an empty tree in a new relation: a metapage and an empty root leaf; logged. */
  public static BTree create(BufferPool pool, WriteAheadLog wal, int relation) {
    pool.createRelation(relation);
    try (Buffer meta = pool.extend(relation); Buffer root = pool.extend(relation)) {
      meta.latchExclusive();
      root.latchExclusive();
      try {
        BTreePage.initMeta(meta.data(), root.id().block(), 0);
        BTreePage.init(root.data(), true, 0, 0);
        wal.logPageChange(new Buffer[] {meta, root}, ResourceManagers.BTREE, BTreeRecords.CREATE, 0, new byte[0]);
      } finally {
        root.unlatch();
        meta.unlatch();
      }
    }
    return open(pool, wal, relation);
  }

  /** Opens an existing tree. */
  public static BTree open(BufferPool pool, WriteAheadLog wal, int relation) {
    BTree tree = new BTree(pool, wal, relation);
    tree.readMeta();
    return tree;
  }

  /** Builds a tree bottom-up from items already sorted (see {@link BTreeBuild}). */
  public static BTree build(BufferPool pool, WriteAheadLog wal, int relation, BTreeBuild.SortedEntries entries) {
    new BTreeBuild(pool, wal, relation).run(entries);
    return open(pool, wal, relation);
  }

  public int relation() {
    return relation;
  }

  BufferPool pool() {
    return pool;
  }

  /** Largest key (before the TID) an entry may have. */
  public static int maxKeySize() {
    return BTreePage.MAX_ITEM_SIZE - BTreePage.TID_SIZE;
  }

  public static long tid(int block, int slot) {
    return BTreePage.packTid(block, slot);
  }

  public static int tidBlock(long tid) {
    return (int) (tid >>> 16);
  }

  public static int tidSlot(long tid) {
    return (int) (tid & 0xFFFF);
  }

  // ---- root -----------------------------------------------------------------------------------

  private long readMeta() {
    try (Buffer meta = pin(META_BLOCK)) {
      meta.latchShared();
      try {
        byte[] p = meta.data();
        if (!BTreePage.isValidMeta(p)) {
          throw new DataCorruptedException(meta.id(), "not a btree metapage");
        }
        long root = ((long) BTreePage.metaRootLevel(p) << 32) | BTreePage.metaRoot(p);
        cachedRoot = root;
        return root;
      } finally {
        meta.unlatch();
      }
    }
  }

  private boolean isRoot(int block) {
    return (int) readMeta() == block;
  }

  Buffer pin(int block) {
    return hints.pin(block);
  }

  private static void release(Buffer b) {
    b.unlatch();
    b.close();
  }

  // ---- search ---------------------------------------------------------------------------------

  /** Where a descent ended: the leaf (pinned and latched) and the lower bound of its range. */
  record Landing(Buffer leaf, byte[] low) {}

  /**
   * Descends to the leaf whose range holds {@code key} ({@code strict}: the leaf holding the
   * largest items below {@code key}) and also returns the leaf's low bound (null for the
   * leftmost leaf), which backward scans need. A null {@code key} stands for plus infinity: the
   * rightmost leaf.
   */
  Landing descendWithLow(byte[] key, boolean strict) {
    byte[][] low = new byte[1][];
    Buffer leaf = descend(key, strict, false, low);
    return new Landing(leaf, low[0]);
  }

  /**
   * Descends to the leaf whose range holds {@code key} (see {@link #descendWithLow}), pinned and
   * latched; {@code exclusive} latches it exclusively. Lookups and inserts come this way: no
   * low-bound copies, no allocation.
   */
  Buffer descend(byte[] key, boolean strict, boolean exclusive) {
    return descend(key, strict, exclusive, null);
  }

  /** The descent; {@code low}, if not null, receives the leaf's low bound in {@code low[0]}. */
  private Buffer descend(byte[] key, boolean strict, boolean exclusive, byte[][] low) {
    long root = cachedRoot;
    int block = (int) root;
    int level = (int) (root >>> 32);
    Buffer buf = pin(block);
    latch(buf, exclusive && level == 0);
    while (true) {
      byte[] p = buf.data();
      while (!(exclusive && BTreePage.incompleteSplit(p)) && (key == null ? !BTreePage.isRightmost(p) : beyond(key, p, strict))) {
        if (low != null) {
          low[0] = BTreePage.key(p, 0);
        }
        buf = moveRight(buf, exclusive && level == 0);
        p = buf.data();
      }
      if (BTreePage.isLeaf(p) || exclusive && BTreePage.incompleteSplit(p)) {
        // A writer stops at an unfinished split (the caller finishes it and starts again).
        return buf;
      }
      int slot = key == null ? BTreePage.count(p) - 1 : BTreePage.childSlot(p, key, strict);
      if (low != null && slot > BTreePage.firstData(p)) {
        low[0] = BTreePage.key(p, slot);
      }
      int child = BTreePage.child(p, slot);
      level = BTreePage.level(p) - 1;
      release(buf);
      buf = pin(child);
      latch(buf, exclusive && level == 0);
    }
  }

  private static void latch(Buffer b, boolean exclusive) {
    if (exclusive) {
      b.latchExclusive();
    } else {
      b.latchShared();
    }
  }

  private static boolean beyond(byte[] key, byte[] p, boolean strict) {
    if (BTreePage.isRightmost(p)) {
      return false;
    }
    int c = BTreePage.compare(key, p, 0);
    return strict ? c > 0 : c >= 0;
  }

  /** Latches the right sibling in the same mode, then releases {@code buf} (left to right). */
  private Buffer moveRight(Buffer buf, boolean exclusive) {
    int right = BTreePage.rightLink(buf.data());
    Buffer next = pin(right);
    latch(next, exclusive);
    release(buf);
    return next;
  }

  /** A cursor over the entries within the bounds (null = unbounded), in key order or reversed. */
  public BTreeCursor scan(ScanBounds bounds, boolean forward) {
    return new BTreeCursor(this, bounds, forward);
  }

  /** The TIDs of the entries whose key starts with {@code prefix} (an equality lookup for a full key). */
  public long[] lookup(byte[] prefix) {
    if (searchCopies) {
      return lookupInCopies(prefix, true);
    }
    return lookupLatched(prefix, (int) cachedRoot, false);
  }

  /**
   * The lookup through the pages' search copies ({@link PageSearch}): no pin, no latch, no page
   * byte read, no frame touched. Where a page has no current copy, or the answer may continue on
   * the right sibling, it goes on latched from that page ({@code fallBack}; else returns null).
   * Where an abbreviation cannot decide (a tie of long abbreviations, a key shorter than the
   * page's common prefix), an internal page is searched once under its latch (if its copy is
   * still attached, the page is as copied) and the descent goes on through copies; a leaf goes
   * on latched.
   *
   * <p>Why this is right (Lehman and Yao with snapshots): each copy is the page's content at the
   * moment its validity word was read ({@link PageCopies}). A downlink or right link read from a
   * copy leads to a page whose low bound is at most the key, and low bounds never change (no
   * page is freed or merged); so does one read under a latch, and any such page is a valid start
   * for a latched descent. At the leaf copy's moment, the key is below its high key (else we
   * move right, as a latched reader does), and no string starting with the key reaches the high
   * key (else we go on latched, which couples the two leaves), so every entry starting with the
   * key is on this leaf at that moment, and the copy shows exactly those: the lookup takes effect
   * at that moment.
   */
  private long[] lookupInCopies(byte[] k, boolean fallBack) {
    int block = (int) cachedRoot;
    long[] a = hints.derived(block);
    int visited = 0; // pages read through copies: EXPLAIN's shared hits, counted once at the end
    while (a != null) {
      visited++;
      long header = a[1];
      long x = PageSearch.abbreviate(a, header, k);
      if (!PageSearch.rightmost(header) && x != PageSearch.UNKNOWN) {
        long h = a[2];
        if (h < x || h == x && !PageSearch.isLong(x)) {
          block = PageSearch.rightLink(header);
          a = hints.derived(block);
          continue;
        }
        if (h == x) {
          x = PageSearch.UNKNOWN;
        }
      }
      int e = PageSearch.entryStart(header);
      if (!PageSearch.leaf(header)) {
        int child;
        int r = x == PageSearch.UNKNOWN ? 0 : PageSearch.count(a, header, x, true);
        if (r == 0 || PageSearch.isLong(x) && r > 1 && a[e + 2 * (r - 1)] == x) {
          child = childUnderLatch(block, a, k);
          if (child < 0) {
            break;
          }
        } else {
          child = (int) a[e + 2 * (r - 1) + 1];
        }
        block = child;
        a = hints.derived(block);
        continue;
      }
      if (x == PageSearch.UNKNOWN) {
        break;
      }
      int m = PageSearch.entries(header);
      long first = 0;
      long[] more = null;
      int n = 0;
      int i = PageSearch.count(a, header, x, false);
      for (; i < m; i++) {
        int starts = PageSearch.startsWith(a[e + 2 * i], x);
        if (starts == 0) {
          break;
        }
        if (starts < 0) {
          BufferUsage.countHits(fallBack ? visited - 1 : visited); // the latched read pins this page again
          return fallBack ? lookupLatched(k, block, true) : null;
        }
        long tid = a[e + 2 * i + 1];
        if (n == 0) {
          first = tid;
        } else {
          if (more == null) {
            more = new long[8];
            more[0] = first;
          } else if (n == more.length) {
            more = Arrays.copyOf(more, n * 2);
          }
          more[n] = tid;
        }
        n++;
      }
      if (i == m && !PageSearch.rightmost(header) && PageSearch.startsWith(a[2], x) != 0) {
        break; // may go on to the right: the latched path couples the two pages
      }
      BufferUsage.countHits(visited);
      return tids(first, more, n);
    }
    BufferUsage.countHits(a != null && fallBack ? visited - 1 : visited); // (a != null: left by break, counted)
    return fallBack ? lookupLatched(k, block, true) : null;
  }

  /**
   * The downlink for {@code k} on internal page {@code block} read under its shared latch, if the
   * page still has copy {@code a} attached (so it is unchanged since); else -1.
   */
  private int childUnderLatch(int block, long[] a, byte[] k) {
    Buffer buf = pin(block);
    buf.latchShared();
    try {
      if (buf.derived() != a) {
        return -1;
      }
      byte[] p = buf.data();
      return BTreePage.child(p, BTreePage.childSlot(p, k, false));
    } finally {
      release(buf);
    }
  }

  /** For tests: the lookup through copies alone (null where it would go on latched). */
  long[] lookupInCopiesForTest(byte[] k) {
    return lookupInCopies(k, false);
  }

  /**
   * A lookup read {@code buf} (latched): the second time it finds the page unchanged, it attaches
   * and publishes a search copy, so that pages that change often (inserts) are not copied after
   * every change.
   */
  private void noteRead(Buffer buf) {
    long[] d = buf.derived();
    if (d == null) {
      buf.attach(null, PageSearch.seen(buf));
      return;
    }
    int block = buf.id().block();
    if (PageSearch.isSeen(d)) {
      long[] copy = PageSearch.of(buf);
      if (buf.attach(d, copy)) {
        hints.publish(block, copy);
      }
    } else if (hints.derived(block) != d) {
      hints.publish(block, d); // a racing publisher or grower lost it
    }
  }

  /**
   * The latched descent of a lookup from {@code block} (the root, or any page whose low bound is
   * at most {@code key}: see {@link #lookupInCopies}); {@code copy}: note the pages for copies.
   */
  private Buffer descendForLookup(byte[] key, int block, boolean copy) {
    Buffer buf = pin(block);
    buf.latchShared();
    while (true) {
      byte[] p = buf.data();
      if (copy) {
        noteRead(buf);
      }
      while (beyond(key, p, false)) {
        buf = moveRight(buf, false);
        p = buf.data();
        if (copy) {
          noteRead(buf);
        }
      }
      if (BTreePage.isLeaf(p)) {
        return buf;
      }
      int child = BTreePage.child(p, BTreePage.childSlot(p, key, false));
      release(buf);
      buf = pin(child);
      buf.latchShared();
    }
  }

  /** The lookup through latched pages from {@code block} (see {@link #descendForLookup}). */
  private long[] lookupLatched(byte[] prefix, int block, boolean copy) {
    // The usual answer is one TID: kept in a local, so that only the result array is allocated.
    long first = 0;
    long[] more = null;
    int n = 0;
    Buffer buf = descendForLookup(prefix, block, copy);
    try {
      while (true) {
        byte[] p = buf.data();
        int count = BTreePage.count(p);
        int s = BTreePage.lowerBound(p, prefix);
        for (; s < count; s++) {
          if (!BTreePage.startsWith(p, s, prefix)) {
            return tids(first, more, n);
          }
          long tid = BTreePage.tid(p, s);
          if (n == 0) {
            first = tid;
          } else {
            if (more == null) {
              more = new long[8];
              more[0] = first;
            } else if (n == more.length) {
              more = Arrays.copyOf(more, n * 2);
            }
            more[n] = tid;
          }
          n++;
        }
        if (BTreePage.isRightmost(p) || !BTreePage.startsWith(p, 0, prefix)) {
          return tids(first, more, n);
        }
        buf = moveRight(buf, false);
      }
    } finally {
      release(buf);
    }
  }

  private static long[] tids(long first, long[] more, int n) {
    if (n <= 1) {
      return n == 0 ? new long[0] : new long[] {first};
    }
    return more.length == n ? more : Arrays.copyOf(more, n);
  }

  // ---- insert ---------------------------------------------------------------------------------

  /** Inserts an entry (key, tid). Inserting an entry that is already there changes nothing. */
  public void insert(byte[] key, long tid) {
    byte[] item = BTreePage.leafItem(key, tid);
    if (item.length > BTreePage.MAX_ITEM_SIZE) {
      throw new DatabaseException(SqlState.PROGRAM_LIMIT_EXCEEDED, "index row size " + item.length
          + " exceeds maximum " + BTreePage.MAX_ITEM_SIZE + " for index relation " + relation);
    }
    Buffer leaf = descendForWrite(item);
    byte[] p = leaf.data();
    int pos = BTreePage.lowerBound(p, item);
    if (pos < BTreePage.count(p) && BTreePage.compare(item, p, pos) == 0) {
      release(leaf);
      return;
    }
    insertAt(leaf, pos, item, null);
  }

  /**
   * Inserts (key, tid) unless an existing entry with the same key conflicts: calls {@code check}
   * for each existing entry with the key, in key order, and stops at the first that does not
   * return {@link #NO_CONFLICT}. Returns {@link #NO_CONFLICT} when inserted, otherwise what the
   * check returned (nothing inserted).
   */
  public long insertUnique(byte[] key, long tid, UniqueCheck check) {
    return insertUniqueDeferred(key, check, () -> tid);
  }

  /** Returned by the {@code make} of {@link #insertUniqueDeferred} to insert nothing. */
  public static final long NO_TID = -1;

  /**
   * A unique insert whose row is made only once the check has passed: like {@link #insertUnique},
   * but the tid comes from {@code make}, called with the key's stripe still held and only when no
   * existing entry conflicts. {@code make} may return {@link #NO_TID} (then nothing is inserted and
   * {@link #NO_CONFLICT} is returned). INSERT ... ON CONFLICT uses this so that the check and the
   * new row's entry are one step for every other inserter of the key, with no heap tuple made for
   * a row that conflicts. {@code make} must not wait for other transactions (it runs under the
   * stripe); it may take further stripes, of other trees, in a fixed order.
   */
  public long insertUniqueDeferred(byte[] key, UniqueCheck check, java.util.function.LongSupplier make) {
    ReentrantLock stripe = uniqueStripes[(Arrays.hashCode(key) & 0x7FFFFFFF) % STRIPES];
    stripe.lock();
    try {
      for (long existing : lookup(key)) {
        long verdict = check.check(existing);
        if (verdict != NO_CONFLICT) {
          return verdict;
        }
      }
      long tid = make.getAsLong();
      if (tid != NO_TID) {
        insert(key, tid);
      }
      return NO_CONFLICT;
    } finally {
      stripe.unlock();
    }
  }

  /**
   * Descends for a write: the leaf where {@code item} belongs, exclusively latched. A page met on
   * the way whose split is incomplete (left so by a crash: a splitter holds the left page until
   * the downlink is in, so nobody else sees the flag on a live split) is finished first and the
   * descent restarts.
   */
  private Buffer descendForWrite(byte[] item) {
    while (true) {
      Buffer leaf = descend(item, false, true);
      if (!BTreePage.incompleteSplit(leaf.data())) {
        return leaf;
      }
      finishSplit(leaf);
    }
  }

  /** Puts {@code item} at {@code pos} of the latched page, splitting if it does not fit; releases it. */
  private void insertAt(Buffer buf, int pos, byte[] item, Buffer child) {
    byte[] p = buf.data();
    if (SlottedPage.insertOrdered(p, pos, item, 0, item.length)) {
      if (child != null) {
        BTreePage.setIncompleteSplit(child.data(), false);
        wal.logPageChange(new Buffer[] {buf, child}, ResourceManagers.BTREE, BTreeRecords.INSERT, 0,
            BTreeRecords.insert(pos, item));
        release(child);
      } else {
        wal.logPageChange(buf, ResourceManagers.BTREE, BTreeRecords.INSERT, 0, BTreeRecords.insert(pos, item));
      }
      release(buf);
      return;
    }
    BTreeSplit.Result split = BTreeSplit.split(this, wal, buf, pos, item, child);
    if (child != null) {
      release(child);
    }
    int right = split.right().id().block();
    release(split.right());
    insertDownlink(buf, split.separator(), right);
  }

  /**
   * Inserts the downlink (separator, right) for the right half of a split of {@code left}, which
   * is latched exclusively, flagged INCOMPLETE_SPLIT, and released here.
   */
  private void insertDownlink(Buffer left, byte[] separator, int right) {
    int leftBlock = left.id().block();
    int level = BTreePage.level(left.data());
    if (isRoot(leftBlock)) {
      newRoot(left, separator, right);
      return;
    }
    while (true) {
      Buffer parent = descendToLevel(separator, level + 1);
      while (true) {
        byte[] p = parent.data();
        if (BTreePage.incompleteSplit(p)) {
          // The parent level must be whole before we add to it (see the class invariants).
          finishSplit(parent);
          parent = null;
          break;
        }
        int n = BTreePage.count(p);
        for (int s = BTreePage.firstData(p); s < n; s++) {
          if (BTreePage.child(p, s) == leftBlock) {
            insertAt(parent, s + 1, BTreePage.internalItem(separator, right), left);
            return;
          }
        }
        if (BTreePage.isRightmost(p)) {
          PageId id = parent.id();
          release(parent);
          release(left);
          throw new DataCorruptedException(id, "btree: no downlink to block " + leftBlock + " on level " + (level + 1));
        }
        parent = moveRight(parent, true);
      }
    }
  }

  /** Finishes the split of {@code buf} (latched in any mode, released here) if still incomplete. */
  private void finishSplit(Buffer buf) {
    int block = buf.id().block();
    release(buf);
    Buffer left = pin(block);
    left.latchExclusive();
    byte[] p = left.data();
    if (!BTreePage.incompleteSplit(p)) {
      release(left);
      return;
    }
    insertDownlink(left, BTreePage.key(p, 0), BTreePage.rightLink(p));
  }

  /** The page on {@code level} whose range holds {@code key}, exclusively latched. */
  private Buffer descendToLevel(byte[] key, int level) {
    long root = cachedRoot;
    if ((int) (root >>> 32) < level) {
      root = readMeta();
    }
    Buffer buf = pin((int) root);
    latch(buf, (int) (root >>> 32) == level);
    while (true) {
      byte[] p = buf.data();
      if (BTreePage.level(p) < level) {
        PageId id = buf.id();
        release(buf);
        throw new DataCorruptedException(id, "btree: descended below level " + level);
      }
      boolean atLevel = BTreePage.level(p) == level;
      while (beyond(key, p, false)) {
        buf = moveRight(buf, atLevel);
        p = buf.data();
      }
      if (atLevel) {
        return buf;
      }
      int child = BTreePage.child(p, BTreePage.childSlot(p, key, false));
      boolean childAtLevel = BTreePage.level(p) - 1 == level;
      release(buf);
      buf = pin(child);
      latch(buf, childAtLevel);
    }
  }

  /** Makes a new root above the split old root {@code left} (latched, released here). */
  private void newRoot(Buffer left, byte[] separator, int right) {
    int level = BTreePage.level(left.data()) + 1;
    try (Buffer root = pool.extend(relation); Buffer meta = pin(META_BLOCK)) {
      root.latchExclusive();
      meta.latchExclusive();
      try {
        byte[] p = root.data();
        BTreePage.init(p, false, level, 0);
        byte[] minusInfinity = BTreePage.internalItem(new byte[0], left.id().block());
        byte[] second = BTreePage.internalItem(separator, right);
        SlottedPage.insertOrdered(p, 0, minusInfinity, 0, minusInfinity.length);
        SlottedPage.insertOrdered(p, 1, second, 0, second.length);
        BTreePage.setMetaRoot(meta.data(), root.id().block(), level);
        BTreePage.setIncompleteSplit(left.data(), false);
        wal.logPageChange(new Buffer[] {root, meta, left}, ResourceManagers.BTREE, BTreeRecords.NEW_ROOT, 0,
            BTreeRecords.images(p));
        cachedRoot = ((long) level << 32) | root.id().block();
      } finally {
        meta.unlatch();
        root.unlatch();
      }
    } finally {
      release(left);
    }
  }

  // ---- vacuum ---------------------------------------------------------------------------------

  /**
   * Removes every entry whose TID {@code dead} accepts, leaf by leaf in block order (a split only
   * moves entries to a new, higher block, so none is skipped). Returns how many were removed.
   */
  public long bulkDelete(LongPredicate dead) {
    bulkDeletesStarted.incrementAndGet();
    try {
      return bulkDeleteLeaves(dead);
    } finally {
      bulkDeletesFinished.incrementAndGet();
    }
  }

  /**
   * Bulk deletions begun and ended on this tree. A scan that copied a leaf's entries while no
   * deletion was running, and sees no new one begun since, knows every entry it copied still names
   * the version it was made for: index-only scans trust the visibility map only then
   * ({@link BTreeCursor#entriesStillCurrent}). Otherwise vacuum may have removed a dead version's
   * entry after the copy, freed its slot and marked the page all-visible, and the copied entry
   * would return a deleted row's key (PostgreSQL closes the same window with the leaf pin that
   * vacuum's cleanup lock waits for).
   */
  private final java.util.concurrent.atomic.AtomicLong bulkDeletesStarted = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong bulkDeletesFinished = new java.util.concurrent.atomic.AtomicLong();

  long bulkDeletesStarted() {
    return bulkDeletesStarted.get();
  }

  long bulkDeletesFinished() {
    return bulkDeletesFinished.get();
  }

  private long bulkDeleteLeaves(LongPredicate dead) {
    long removed = 0;
    int[] slots = new int[512];
    for (int block = 1; block < pool.blockCount(relation); block++) {
      try (Buffer buf = pin(block)) {
        buf.latchExclusive();
        try {
          byte[] p = buf.data();
          if (SlottedPage.isNew(p) || !BTreePage.isLeaf(p)) {
            continue;
          }
          int n = BTreePage.count(p);
          int count = 0;
          for (int s = BTreePage.firstData(p); s < n; s++) {
            if (dead.test(BTreePage.tid(p, s))) {
              if (count == slots.length) {
                slots = Arrays.copyOf(slots, count * 2);
              }
              slots[count++] = s;
            }
          }
          if (count > 0) {
            BTreeRecords.applyDelete(p, slots, count);
            wal.logPageChange(buf, ResourceManagers.BTREE, BTreeRecords.DELETE, 0, BTreeRecords.delete(slots, count));
            removed += count;
          }
        } finally {
          buf.unlatch();
        }
      }
    }
    return removed;  }


  /** Verifies the tree's structure (see {@link BTreeCheck}). */
  public BTreeCheck.Report check() {
    return new BTreeCheck(this).run();
  }

  /** The current root as (level << 32 | block), read from the metapage. */
  long root() {
    return readMeta();
  }

  /**
   * Finishes the split of {@code block} if it is still flagged incomplete (after recovery: a crash
   * came between a split and its downlink). Returns whether there was one to finish.
   */
  public boolean finishIncompleteSplit(int block) {
    Buffer buf = pin(block);
    buf.latchShared();
    if (SlottedPage.isNew(buf.data()) || !BTreePage.incompleteSplit(buf.data())) {
      release(buf);
      return false;
    }
    finishSplit(buf);
    return true;
  }
}
