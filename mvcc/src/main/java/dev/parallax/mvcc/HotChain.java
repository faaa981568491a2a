package dev.parallax.mvcc;

import dev.parallax.storage.SlottedPage;

/**
 * Walking a HOT chain within one heap page (caller holds the page's latch, shared or exclusive).
 *
 * <p>A HOT chain is a row's versions made by heap-only updates: a root (the slot index entries
 * name) followed, through ctid links on the same page, by heap-only tuples. The root slot is
 * either the chain's first version (NORMAL, not {@link TupleHeader#HEAP_ONLY}) or, once pruning
 * removed that version, a REDIRECT line pointer to the first surviving member. A link from a
 * member {@code m} to the slot {@code s} is followed only when {@code m} is
 * {@link TupleHeader#HOT_UPDATED} with an xmax, {@code s} is a NORMAL heap-only tuple and its xmin
 * equals {@code m}'s xmax: a member left behind by an aborted update (and freed by pruning, and
 * the slot reused by an unrelated insert) never passes the xmin test.
 *
 * <p>Members are in version order, so for an MVCC snapshot at most one is visible; a dirty read
 * may see two (the one a running transaction replaces and its replacement), the first of which is
 * the answer.
 */
final class HotChain {
  private HotChain() {}

  /** Chains longer than this are corrupt (a page holds fewer tuples). */
  static final int MAX_LENGTH = SlottedPage.PAGE_SIZE / SlottedPage.LINE_POINTER_SIZE;

  /**
   * The first member of the chain whose root is {@code slot}: the slot itself when it is a NORMAL
   * tuple, the redirect target when it is a REDIRECT, else -1 (UNUSED, DEAD, or out of range).
   */
  static int firstMember(byte[] p, int slot) {
    if (SlottedPage.isNew(p) || slot < 0 || slot >= SlottedPage.slotCount(p)) {
      return -1;
    }
    int state = SlottedPage.state(p, slot);
    if (state == SlottedPage.NORMAL) {
      return slot;
    }
    if (state != SlottedPage.REDIRECT) {
      return -1;
    }
    int target = SlottedPage.redirectTarget(p, slot);
    return isHeapOnlyTuple(p, target) ? target : -1;
  }

  /** The member after {@code slot} (a NORMAL tuple) on block {@code block}, or -1 at the chain's end. */
  static int next(byte[] p, int block, int slot) {
    int off = SlottedPage.offset(p, slot);
    if (!TupleHeader.has(p, off, TupleHeader.HOT_UPDATED)) {
      return -1;
    }
    long xmax = TupleHeader.xmax(p, off);
    if (xmax == 0) {
      return -1;
    }
    Tid c = TupleHeader.ctid(p, off);
    int s = c.slot();
    if (c.block() != block || s == slot || !isHeapOnlyTuple(p, s)) {
      return -1;
    }
    return TupleHeader.xmin(p, SlottedPage.offset(p, s)) == xmax ? s : -1;
  }

  static boolean isHeapOnlyTuple(byte[] p, int slot) {
    return slot >= 0 && slot < SlottedPage.slotCount(p) && SlottedPage.state(p, slot) == SlottedPage.NORMAL
        && TupleHeader.has(p, SlottedPage.offset(p, slot), TupleHeader.HEAP_ONLY);
  }

  /** A root slot: a REDIRECT, or a NORMAL tuple that is not heap-only. */
  static boolean isRoot(byte[] p, int slot) {
    int state = SlottedPage.state(p, slot);
    return state == SlottedPage.REDIRECT
        || state == SlottedPage.NORMAL && !TupleHeader.has(p, SlottedPage.offset(p, slot), TupleHeader.HEAP_ONLY);
  }
}
