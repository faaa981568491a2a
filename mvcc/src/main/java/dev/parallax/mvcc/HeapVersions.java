package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.txn.CurrentTransaction;

/**
 * What indexes need to know about heap versions, beyond what a snapshot sees: which versions an
 * index build must include (every version not dead to everyone, since older snapshots may still
 * reach it through the index), and whether an existing entry's version blocks a unique insert.
 */
public final class HeapVersions {
  /** A version handed to an index build. */
  @FunctionalInterface
  public interface Consumer {
    /**
     * @param live whether the version counts for uniqueness: visible to a dirty read by
     *     {@code tx} (committed and not deleted, or the transaction's own and not deleted by it)
     */
    void accept(HeapTuple version, boolean live);
  }

  private final BufferPool pool;
  private final HeapVisibility visibility;

  public HeapVersions(BufferPool pool, HeapVisibility visibility) {
    this.pool = pool;
    this.visibility = visibility;
  }

  /** A version handed to an index build, with the root of its HOT chain (what its entries must name). */
  @FunctionalInterface
  public interface RootedConsumer {
    /**
     * @param live as for {@link Consumer#accept}
     * @param root the slot index entries name for this version: its own tid, or for a heap-only
     *     version the root of its HOT chain
     */
    void accept(HeapTuple version, boolean live, Tid root);
  }

  /**
   * The dirty-read answer for the row at {@code tid} (see {@link HeapVisibility#satisfiesDirty}):
   * {@code tid} names a version or a HOT chain's root, and the answer is that of the first member
   * of the chain a dirty read sees (a version a running transaction is replacing comes before its
   * replacement, so the caller waits for that transaction), or "invisible" when it sees none. Null
   * when the slot holds no version (vacuumed).
   */
  public DirtyCheck dirty(int relation, Tid tid, CurrentTransaction tx) {
    return dirtyWalk(relation, tid, tx, (p, m, d) -> d, DirtyCheck.INVISIBLE);
  }

  /** What to answer for the chain member {@code m} a dirty read sees ({@code d}), under the page's latch. */
  private interface DirtyVisible<T> {
    T apply(byte[] page, int member, DirtyCheck d);
  }

  /**
   * Walks the HOT chain at {@code tid} under the page's shared latch to the first member a dirty
   * read sees and answers {@code onVisible} for it; {@code none} when it sees none; null when the
   * slot holds no version or the block does not exist.
   */
  private <T> T dirtyWalk(int relation, Tid tid, CurrentTransaction tx, DirtyVisible<T> onVisible, T none) {
    if (tid.block() >= pool.blockCount(relation)) {
      return null;
    }
    try (Buffer buf = pool.pin(new PageId(relation, tid.block()))) {
      buf.latchShared();
      try {
        byte[] p = buf.data();
        int first = HotChain.firstMember(p, tid.slot());
        if (first < 0) {
          return null;
        }
        int walked = 0;
        for (int m = first; m >= 0 && walked++ < HotChain.MAX_LENGTH; m = HotChain.next(p, tid.block(), m)) {
          DirtyCheck d = visibility.satisfiesDirty(p, SlottedPage.offset(p, m), buf, tx);
          if (d.visible()) {
            return onVisible.apply(p, m, d);
          }
        }
        return none;
      } finally {
        buf.unlatch();
      }
    }
  }


  /**
   * The tid of the chain member {@link #dirty} answers for (the first a dirty read sees), or null
   * when it sees none. An index entry names a chain's root; a caller that acts on the conflicting
   * version (INSERT ... ON CONFLICT DO UPDATE locks it) needs the member itself: the root of an
   * updated chain is an old version, and locking it would only ever report "updated".
   */
  public Tid dirtyMember(int relation, Tid tid, CurrentTransaction tx) {
    return dirtyWalk(relation, tid, tx, (p, m, d) -> new Tid(tid.block(), m), null);
  }


  /**
   * The members of the HOT chain whose root is {@code root} (just the version for a lone one),
   * in chain order, each with whether vacuum could remove it given {@code oldestXmin}; empty when
   * the slot holds no version or redirect. For consistency checks.
   */
  public java.util.List<ChainMember> chain(int relation, Tid root, long oldestXmin) {
    java.util.List<ChainMember> out = new java.util.ArrayList<>();
    if (root.block() >= pool.blockCount(relation)) {
      return out;
    }
    try (Buffer buf = pool.pin(new PageId(relation, root.block()))) {
      buf.latchShared();
      try {
        byte[] p = buf.data();
        for (int m = HotChain.firstMember(p, root.slot()); m >= 0 && out.size() < HotChain.MAX_LENGTH;
            m = HotChain.next(p, root.block(), m)) {
          int off = SlottedPage.offset(p, m);
          boolean dead = visibility.satisfiesVacuum(p, off, buf, oldestXmin) == VacuumVerdict.DEAD;
          out.add(new ChainMember(copy(new Tid(root.block(), m), p, off, SlottedPage.length(p, m)), dead));
        }
      } finally {
        buf.unlatch();
      }
    }
    return out;
  }

  /** One member of a HOT chain, and whether vacuum could remove it. */
  public record ChainMember(HeapTuple version, boolean dead) {}

  /**
   * As {@link #dirty(int, Tid, CurrentTransaction)}, but when the member a dirty read sees fails
   * {@code holds} (given a copy, under the same shared latch) the answer is
   * {@link DirtyCheck#INVISIBLE}. A unique check passes "carries the key being inserted": an
   * index entry read before vacuum removed it may name a slot that was freed and reused by an
   * unrelated row since, and only the test made under the latch that also gives the verdict
   * tells the two apart (a test under a second latch could see yet another reuse). Every member
   * of a HOT chain carries the same index keys (an update that changes one is never HOT), so
   * testing the member the answer is for is enough.
   */
  public DirtyCheck dirty(int relation, Tid tid, CurrentTransaction tx, java.util.function.Predicate<HeapTuple> holds) {
    return dirtyWalk(relation, tid, tx, (p, m, d) -> {
      int off = SlottedPage.offset(p, m);
      return holds.test(copy(new Tid(tid.block(), m), p, off, SlottedPage.length(p, m))) ? d : DirtyCheck.INVISIBLE;
    }, DirtyCheck.INVISIBLE);
  }


  /** What to do with the version found at a TID, under its page's shared latch. */
  private interface AtVersion<T> {
    T apply(byte[] page, int offset, int length, Buffer buf);
  }

  /**
   * Applies {@code fn} to the version at {@code tid} under the page's shared latch; null if the
   * slot holds none. {@code state}, if given, receives the slot's line-pointer state.
   */
  private <T> T atVersion(int relation, Tid tid, int[] state, AtVersion<T> fn) {
    if (state != null) {
      state[0] = SlottedPage.UNUSED;
    }
    if (tid.block() >= pool.blockCount(relation)) {
      return null;
    }
    try (Buffer buf = pool.pin(new PageId(relation, tid.block()))) {
      buf.latchShared();
      try {
        byte[] p = buf.data();
        if (SlottedPage.isNew(p) || tid.slot() >= SlottedPage.slotCount(p)) {
          return null;
        }
        if (state != null) {
          state[0] = SlottedPage.state(p, tid.slot());
        }
        if (SlottedPage.state(p, tid.slot()) != SlottedPage.NORMAL) {
          return null;
        }
        return fn.apply(p, SlottedPage.offset(p, tid.slot()), SlottedPage.length(p, tid.slot()), buf);
      } finally {
        buf.unlatch();
      }
    }
  }

  /**
   * Every version of the relation that some snapshot may still see (vacuum verdict not DEAD
   * given {@code oldestXmin}), in physical order, one page at a time under its shared latch.
   */
  public void forEachIndexable(int relation, long oldestXmin, CurrentTransaction tx, Consumer consumer) {
    forEachIndexable(relation, oldestXmin, tx, (version, live, root) -> consumer.accept(version, live));
  }

  /**
   * As {@link #forEachIndexable(int, long, CurrentTransaction, Consumer)}, with each version's HOT
   * chain root: an index build gives a heap-only version an entry naming its root, never itself
   * (pruning frees a heap-only version's slot without asking any index).
   */
  public void forEachIndexable(int relation, long oldestXmin, CurrentTransaction tx, RootedConsumer consumer) {
    int blocks = pool.blockCount(relation);
    for (int block = 0; block < blocks; block++) {
      try (Buffer buf = pool.pin(new PageId(relation, block))) {
        buf.latchShared();
        try {
          byte[] p = buf.data();
          if (SlottedPage.isNew(p)) {
            continue;
          }
          int n = SlottedPage.slotCount(p);
          int[] rootOf = rootsOf(p, block, n);
          for (int s = 0; s < n; s++) {
            if (!isVersion(p, s)) {
              continue;
            }
            int off = SlottedPage.offset(p, s);
            if (visibility.satisfiesVacuum(p, off, buf, oldestXmin) == VacuumVerdict.DEAD) {
              continue;
            }
            boolean live = visibility.satisfiesDirty(p, off, buf, tx).visible();
            consumer.accept(copy(new Tid(block, s), p, off, SlottedPage.length(p, s)), live, new Tid(block, rootOf[s]));
          }
        } finally {
          buf.unlatch();
        }
      }
    }
  }

  /** For each slot of the page, the root of the HOT chain it belongs to (itself when none reaches it). */
  private static int[] rootsOf(byte[] p, int block, int n) {
    int[] rootOf = new int[n];
    for (int s = 0; s < n; s++) {
      rootOf[s] = s;
    }
    for (int root = 0; root < n; root++) {
      if (!HotChain.isRoot(p, root)) {
        continue;
      }
      int walked = 0;
      for (int m = HotChain.firstMember(p, root); m >= 0 && walked++ < HotChain.MAX_LENGTH; m = HotChain.next(p, block, m)) {
        rootOf[m] = root;
      }
    }
    return rootOf;
  }

  /**
   * The version at {@code tid} whatever its visibility, or null when the slot holds none; the
   * slot's line-pointer state goes to {@code state[0]} ({@code SlottedPage.UNUSED} past the end).
   */
  public HeapTuple anyVersion(int relation, Tid tid, int[] state) {
    return atVersion(relation, tid, state, (p, off, len, buf) -> copy(tid, p, off, len));
  }

  private static HeapTuple copy(Tid tid, byte[] p, int off, int len) {
    byte[] copy = new byte[len];
    System.arraycopy(p, off, copy, 0, len);
    return new HeapTuple(tid, copy, 0, len);
  }

  private static boolean isVersion(byte[] p, int slot) {
    return !SlottedPage.isNew(p) && slot < SlottedPage.slotCount(p) && SlottedPage.state(p, slot) == SlottedPage.NORMAL;
  }
}
