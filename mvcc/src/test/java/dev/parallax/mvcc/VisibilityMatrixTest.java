package dev.parallax.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.VisibilityFixtures.FakeStatus;
import dev.parallax.mvcc.VisibilityFixtures.FakeTx;
import dev.parallax.txn.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every combination of (who inserted) x (who deleted or locked) x (where those ids sit relative to
 * the snapshot), checked against expectations written down here from the rules, not from the code:
 *
 * <ul>
 *   <li>another transaction's insert is seen iff it committed before the snapshot (below the
 *       snapshot's xmin, and not in its running list, and below its xmax);
 *   <li>an own insert is seen iff its command id is lower than the snapshot's;
 *   <li>a delete hides the row iff it is seen by the same rules; a lock never hides it.
 * </ul>
 *
 * Each case is checked twice: the first call may set hint bits, the second must answer the same
 * from them.
 */
class VisibilityMatrixTest {
  // Snapshot: xmin 100, xmax 200, running {150, 155, 160, 165}, command id 5. Own transaction 300.
  static final long OWN = 300;
  static final int SNAP_CID = 5;
  static final long OLDEST_XMIN = 100;

  enum Who {
    // xmin id, xmax id, committed now, running now, seen as ended by the snapshot, own command id
    COMMITTED_BEFORE(50, 55, true, false, true, -1),
    COMMITTED_IN_RUNNING_LIST(150, 155, true, false, false, -1),
    COMMITTED_AFTER_SNAPSHOT(250, 255, true, false, false, -1),
    IN_PROGRESS(160, 165, false, true, false, -1),
    ABORTED(60, 65, false, false, true, -1),
    OWN_LOWER_CID(OWN, OWN, false, true, false, 3),
    OWN_EQUAL_CID(OWN, OWN, false, true, false, 5),
    OWN_HIGHER_CID(OWN, OWN, false, true, false, 7);

    final long xminId;
    final long xmaxId;
    final boolean committed;
    final boolean running;
    final boolean endedForSnapshot;
    final int cid;

    Who(long xminId, long xmaxId, boolean committed, boolean running, boolean endedForSnapshot, int cid) {
      this.xminId = xminId;
      this.xmaxId = xmaxId;
      this.committed = committed;
      this.running = running;
      this.endedForSnapshot = endedForSnapshot;
      this.cid = cid;
    }

    boolean own() {
      return cid >= 0;
    }

    /** Is a change by this writer seen by the snapshot? */
    boolean seen() {
      return own() ? cid < SNAP_CID : committed && endedForSnapshot;
    }
  }

  enum Deleter { NONE, DELETE, LOCK }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Who xmin : Who.values()) {
      for (Deleter kind : Deleter.values()) {
        List<Who> deleters = kind == Deleter.NONE ? List.of(Who.COMMITTED_BEFORE) : List.of(Who.values());
        for (Who xmax : deleters) {
          // Nobody else can delete or lock a version this transaction inserted and has not committed.
          if (xmin.own() && kind != Deleter.NONE && !xmax.own() && xmax != Who.ABORTED) {
            continue;
          }
          out.add(Arguments.of(xmin, kind, xmax));
        }
      }
    }
    return out.stream();
  }

  private static FakeStatus status() {
    FakeStatus s = new FakeStatus();
    for (Who w : Who.values()) {
      if (w.committed) {
        s.committed.add(w.xminId);
        s.committed.add(w.xmaxId);
      }
      if (w.running) {
        s.running.add(w.xminId);
        s.running.add(w.xmaxId);
      }
    }
    return s;
  }

  private static Snapshot snapshot() {
    return new Snapshot(100, 200, new long[] {150, 155, 160, 165}, SNAP_CID);
  }

  private static byte[] page(Who xmin, Deleter kind, Who xmax, FakeTx tx) {
    long xmaxId = kind == Deleter.NONE ? 0 : xmax.xmaxId;
    int mask = kind == Deleter.NONE ? TupleHeader.XMAX_INVALID : 0;
    int cid = xmin.own() ? xmin.cid : 0;
    if (kind == Deleter.LOCK) {
      mask |= TupleHeader.XMAX_LOCK_ONLY;
    } else if (kind == Deleter.DELETE && xmax.own()) {
      if (xmin.own()) {
        cid = tx.combos.combine(xmin.cid, xmax.cid);
        mask |= TupleHeader.COMBO_CID;
      } else {
        cid = xmax.cid;
      }
    }
    return VisibilityFixtures.pageWithHeader(xmin.xminId, xmaxId, cid, mask);
  }

  @ParameterizedTest(name = "xmin {0}, {1} by {2}")
  @MethodSource("cases")
  void mvccSnapshot(Who xmin, Deleter kind, Who xmax) {
    FakeTx tx = new FakeTx(OWN, SNAP_CID);
    byte[] p = page(xmin, kind, xmax, tx);
    HeapVisibility vis = new HeapVisibility(status(), false);
    boolean expected = xmin.seen() && !(kind == Deleter.DELETE && xmax.seen());
    int off = VisibilityFixtures.firstOffset(p);
    assertEquals(expected, vis.satisfiesMvcc(p, off, null, snapshot(), tx), "first look");
    assertEquals(expected, vis.satisfiesMvcc(p, off, null, snapshot(), tx), "with hint bits");
  }

  @ParameterizedTest(name = "xmin {0}, {1} by {2}")
  @MethodSource("cases")
  void update(Who xmin, Deleter kind, Who xmax) {
    FakeTx tx = new FakeTx(OWN, SNAP_CID);
    byte[] p = page(xmin, kind, xmax, tx);
    HeapVisibility vis = new HeapVisibility(status(), false);
    HeapResult.Code expected;
    boolean xminExists = xmin.own() ? xmin.cid < SNAP_CID : xmin.committed;
    if (!xminExists) {
      expected = HeapResult.Code.INVISIBLE;
    } else if (kind == Deleter.NONE || xmax == Who.ABORTED) {
      expected = HeapResult.Code.OK;
    } else if (kind == Deleter.LOCK) {
      expected = xmax.running && !xmax.own() ? HeapResult.Code.BEING_MODIFIED : HeapResult.Code.OK;
    } else if (xmax.own()) {
      expected = xmax.cid < SNAP_CID ? HeapResult.Code.INVISIBLE : HeapResult.Code.SELF_MODIFIED;
    } else if (xmax.running) {
      expected = HeapResult.Code.BEING_MODIFIED;
    } else {
      expected = HeapResult.Code.DELETED; // committed, whatever the snapshot says
    }
    int off = VisibilityFixtures.firstOffset(p);
    assertEquals(expected, vis.satisfiesUpdate(p, off, null, tx).code(), "first look");
    HeapResult again = vis.satisfiesUpdate(p, off, null, tx);
    assertEquals(expected, again.code(), "with hint bits");
    if (expected == HeapResult.Code.BEING_MODIFIED || expected == HeapResult.Code.DELETED) {
      assertEquals(xmax.xmaxId, again.conflictingXid());
    }
  }

  @ParameterizedTest(name = "xmin {0}, {1} by {2}")
  @MethodSource("cases")
  void vacuum(Who xmin, Deleter kind, Who xmax) {
    FakeTx tx = new FakeTx(OWN, SNAP_CID);
    byte[] p = page(xmin, kind, xmax, tx);
    HeapVisibility vis = new HeapVisibility(status(), false);
    VacuumVerdict expected;
    if (xmin.running) {
      expected = VacuumVerdict.INSERT_IN_PROGRESS;
    } else if (!xmin.committed) {
      expected = VacuumVerdict.DEAD;
    } else if (kind != Deleter.DELETE || !xmax.committed && !xmax.running) {
      expected = VacuumVerdict.LIVE;
    } else if (xmax.running) {
      expected = VacuumVerdict.DELETE_IN_PROGRESS;
    } else {
      expected = xmax.xmaxId < OLDEST_XMIN ? VacuumVerdict.DEAD : VacuumVerdict.RECENTLY_DEAD;
    }
    int off = VisibilityFixtures.firstOffset(p);
    assertEquals(expected, vis.satisfiesVacuum(p, off, null, OLDEST_XMIN), "first look");
    assertEquals(expected, vis.satisfiesVacuum(p, off, null, OLDEST_XMIN), "with hint bits");
  }

  @ParameterizedTest(name = "xmin {0}, {1} by {2}")
  @MethodSource("cases")
  void dirty(Who xmin, Deleter kind, Who xmax) {
    FakeTx tx = new FakeTx(OWN, SNAP_CID);
    byte[] p = page(xmin, kind, xmax, tx);
    HeapVisibility vis = new HeapVisibility(status(), false);
    // A dirty read counts every insert that has not aborted and every delete that has not aborted,
    // except that another transaction's running delete leaves the row visible (and is reported).
    boolean inserted = xmin.committed || xmin.running;
    boolean deleted = kind == Deleter.DELETE && (xmax.committed || xmax.own());
    DirtyCheck d = vis.satisfiesDirty(p, VisibilityFixtures.firstOffset(p), null, tx);
    assertEquals(inserted && !deleted, d.visible());
    if (d.visible()) {
      assertEquals(xmin.running && !xmin.own() ? xmin.xminId : 0, d.xminInProgress());
      boolean otherDeleting = kind == Deleter.DELETE && xmax.running && !xmax.own();
      assertEquals(otherDeleting ? xmax.xmaxId : 0, d.xmaxInProgress());
    }
  }

  /** Under asynchronous commit a committed hint waits until the commit is durable; aborted hints never wait. */
  @org.junit.jupiter.api.Test
  void committedHintsAreNotSetUnderAsynchronousCommitUntilTheCommitIsDurable() {
    FakeTx tx = new FakeTx(OWN, SNAP_CID);
    byte[] p = page(Who.COMMITTED_BEFORE, Deleter.NONE, Who.COMMITTED_BEFORE, tx);
    int off = VisibilityFixtures.firstOffset(p);
    dev.parallax.txn.TransactionStatus base = status();
    dev.parallax.txn.TransactionStatus notYetDurable = new dev.parallax.txn.TransactionStatus() {
      @Override
      public boolean isInProgress(long xid) {
        return base.isInProgress(xid);
      }

      @Override
      public boolean didCommit(long xid) {
        return base.didCommit(xid);
      }

      @Override
      public boolean commitDurable(long xid) {
        return false;
      }
    };
    new HeapVisibility(notYetDurable, true).satisfiesMvcc(p, off, null, snapshot(), tx);
    assertEquals(0, TupleHeader.infomask(p, off) & TupleHeader.XMIN_COMMITTED, "not while the commit may be lost");
    new HeapVisibility(notYetDurable, false).satisfiesMvcc(p, off, null, snapshot(), tx);
    assertTrue(TupleHeader.has(p, off, TupleHeader.XMIN_COMMITTED), "synchronous commit: durable when it ended");
    byte[] p2 = page(Who.COMMITTED_BEFORE, Deleter.NONE, Who.COMMITTED_BEFORE, tx);
    new HeapVisibility(base, true).satisfiesMvcc(p2, off, null, snapshot(), tx);
    assertTrue(TupleHeader.has(p2, off, TupleHeader.XMIN_COMMITTED), "asynchronous, once the commit is durable");

    byte[] q = page(Who.ABORTED, Deleter.NONE, Who.COMMITTED_BEFORE, tx);
    new HeapVisibility(notYetDurable, true).satisfiesMvcc(q, off, null, snapshot(), tx);
    assertTrue(TupleHeader.has(q, off, TupleHeader.XMIN_INVALID), "aborted hints are always safe");
  }

  @org.junit.jupiter.api.Test
  void hintBitsSpareCommitLogLookups() {
    FakeTx tx = new FakeTx(OWN, SNAP_CID);
    FakeStatus s = status();
    byte[] p = page(Who.COMMITTED_BEFORE, Deleter.DELETE, Who.ABORTED, tx);
    int off = VisibilityFixtures.firstOffset(p);
    HeapVisibility vis = new HeapVisibility(s, false);
    assertTrue(vis.satisfiesMvcc(p, off, null, snapshot(), tx));
    int first = s.lookups;
    assertTrue(first > 0);
    assertTrue(vis.satisfiesMvcc(p, off, null, snapshot(), tx));
    assertEquals(first, s.lookups, "the second look must be answered from hint bits");
  }
}
