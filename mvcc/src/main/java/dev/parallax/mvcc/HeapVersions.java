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

  /**
   * The dirty-read answer for the version at {@code tid} (see {@link HeapVisibility#satisfiesDirty}),
   * or null when the slot holds no version (vacuumed).
   */
  public DirtyCheck dirty(int relation, Tid tid, CurrentTransaction tx) {
    return atVersion(relation, tid, null, (p, off, len, buf) -> visibility.satisfiesDirty(p, off, buf, tx));
  }

  /**
   * As {@link #dirty(int, Tid, CurrentTransaction)}, but a visible version for which
   * {@code holds} (given a copy, under the same shared latch) is false answers
   * {@link DirtyCheck#INVISIBLE}. A unique check passes "carries the key being inserted": an
   * index entry read before vacuum removed it may name a slot that was freed and reused by an
   * unrelated row since, and only the test made under the latch that also gives the verdict
   * tells the two apart (a test under a second latch could see yet another reuse).
   */
  public DirtyCheck dirty(int relation, Tid tid, CurrentTransaction tx, java.util.function.Predicate<HeapTuple> holds) {
    return atVersion(relation, tid, null, (p, off, len, buf) -> {
      DirtyCheck d = visibility.satisfiesDirty(p, off, buf, tx);
      return !d.visible() || holds.test(copy(tid, p, off, len)) ? d : DirtyCheck.INVISIBLE;
    });
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
          for (int s = 0; s < n; s++) {
            if (!isVersion(p, s)) {
              continue;
            }
            int off = SlottedPage.offset(p, s);
            if (visibility.satisfiesVacuum(p, off, buf, oldestXmin) == VacuumVerdict.DEAD) {
              continue;
            }
            boolean live = visibility.satisfiesDirty(p, off, buf, tx).visible();
            consumer.accept(copy(new Tid(block, s), p, off, SlottedPage.length(p, s)), live);
          }
        } finally {
          buf.unlatch();
        }
      }
    }
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
