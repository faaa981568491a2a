package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vacuum with indexes: dead versions' line pointers go DEAD, the index vacuum is told exactly
 * their tids, nothing reuses them until it returns, and then exactly they become UNUSED. An index
 * vacuum that fails leaves DEAD slots that the next vacuum hands over again.
 */
class HeapTwoPhaseVacuumTest {
  private final HeapFixture f = new HeapFixture();

  @AfterEach
  void close() {
    f.close();
  }

  /** A fake index: records every batch it is given. */
  static final class RecordingIndex implements IndexVacuum {
    final List<DeadTids> batches = new ArrayList<>();
    Runnable during = () -> {};

    @Override
    public void removeEntries(DeadTids dead) {
      batches.add(dead);
      during.run();
    }

    Set<Tid> all() {
      Set<Tid> out = new TreeSet<>();
      for (DeadTids d : batches) {
        for (int i = 0; i < d.size(); i++) {
          out.add(d.get(i));
        }
      }
      return out;
    }
  }

  private int state(Tid t) {
    try (Buffer b = f.storage.bufferPool().pin(new PageId(REL, t.block()))) {
      b.latchShared();
      try {
        byte[] p = b.data();
        return t.slot() < SlottedPage.slotCount(p) ? SlottedPage.state(p, t.slot()) : SlottedPage.UNUSED;
      } finally {
        b.unlatch();
      }
    }
  }

  /** 400 rows on several pages; every third deleted, every fifth (not deleted) updated. */
  private Set<Tid> makeDeadVersions(List<Tid> tids) {
    Transaction t = f.rc();
    for (int i = 0; i < 400; i++) {
      tids.add(f.heap.insert(REL, t, row(i, "row " + i + " ".repeat(40))));
    }
    t.commit();
    Set<Tid> dead = new TreeSet<>();
    Transaction d = f.rc();
    for (int i = 0; i < 400; i++) {
      if (i % 3 == 0) {
        assertEquals(HeapResult.Code.OK, f.heap.delete(REL, tids.get(i), d).code());
        dead.add(tids.get(i));
      } else if (i % 5 == 0) {
        HeapResult r = f.heap.update(REL, tids.get(i), row(i, "updated"), d);
        assertEquals(HeapResult.Code.OK, r.code());
        dead.add(tids.get(i));
      }
    }
    d.commit();
    return dead;
  }

  @Test
  void theIndexIsGivenExactlyTheDeadVersionsAndTheirSlotsStayDeadUntilItReturns() {
    List<Tid> tids = new ArrayList<>();
    Set<Tid> expected = makeDeadVersions(tids);
    assertTrue(f.storage.bufferPool().blockCount(REL) > 2);
    RecordingIndex index = new RecordingIndex();
    List<Tid> insertedDuring = new ArrayList<>();
    index.during = () -> {
      DeadTids dead = index.batches.get(0);
      for (int i = 0; i < dead.size(); i++) {
        Tid t = dead.get(i);
        assertEquals(SlottedPage.DEAD, state(t), "between the phases " + t + " is DEAD");
        Transaction r = f.rc();
        assertNull(f.heap.fetch(REL, t, r.startStatement(), r), "a DEAD slot reads as no tuple");
        assertNull(f.heap.latestVersion(REL, t, r.startStatement(), r));
        assertEquals(HeapResult.Code.INVISIBLE, f.heap.delete(REL, t, r).code());
        assertEquals(HeapResult.Code.INVISIBLE, f.heap.lock(REL, t, r).code());
        assertEquals(HeapResult.Code.INVISIBLE, f.heap.update(REL, t, row(0, "x"), r).code());
        r.commit();
        assertFalse(f.heap.isAllVisible(REL, t.block()), "a page with DEAD slots is not all-visible");
      }
      // Inserts meanwhile (into the space the dead items left) never take a DEAD slot.
      Transaction ins = f.rc();
      for (int i = 0; i < 300; i++) {
        Tid t = f.heap.insert(REL, ins, row(10_000 + i, "during"));
        assertFalse(dead.contains(t), "insert reused DEAD slot " + t);
        insertedDuring.add(t);
      }
      ins.commit();
    };
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin(), index);

    assertEquals(1, index.batches.size());
    assertEquals(expected, index.all(), "exactly the dead versions");
    assertEquals(expected.size(), stats.removedVersions());
    assertEquals(expected.size(), stats.deadLinePointers());
    assertEquals(expected.size(), stats.unusedLinePointers());
    assertEquals(1, stats.indexPasses());
    for (Tid t : expected) {
      assertEquals(SlottedPage.UNUSED, state(t), "after the index pass " + t + " is free");
    }
    assertTrue(insertedDuring.stream().anyMatch(t -> t.block() < f.storage.bufferPool().blockCount(REL) - 1),
        "inserts during the index pass used the space dead items left on earlier pages");

    // Now the slots are reused.
    Transaction again = f.rc();
    Set<Tid> reused = new TreeSet<>();
    for (int i = 0; i < 400; i++) {
      Tid t = f.heap.insert(REL, again, row(20_000 + i, "after"));
      if (expected.contains(t)) {
        reused.add(t);
      }
    }
    again.commit();
    assertFalse(reused.isEmpty(), "freed slots are reused after the index pass");
  }

  @Test
  void anInterruptedVacuumLeavesDeadSlotsThatTheNextOneHandsOverAndFrees() {
    List<Tid> tids = new ArrayList<>();
    Set<Tid> expected = makeDeadVersions(tids);
    IndexVacuum failing = dead -> {
      throw new IllegalStateException("index vacuum failed");
    };
    assertThrows(IllegalStateException.class, () -> f.heap.vacuum(REL, f.tm.oldestXmin(), failing));
    for (Tid t : expected) {
      assertEquals(SlottedPage.DEAD, state(t), t + " stays DEAD after the failed index pass");
    }
    Transaction ins = f.rc();
    for (int i = 0; i < 200; i++) {
      assertFalse(expected.contains(f.heap.insert(REL, ins, row(i, "meanwhile"))));
    }
    ins.commit();

    RecordingIndex index = new RecordingIndex();
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin(), index);
    assertEquals(expected, index.all(), "the leftover DEAD slots are handed over again");
    assertEquals(0, stats.removedVersions());
    assertEquals(0, stats.deadLinePointers(), "none newly made DEAD");
    assertEquals(expected.size(), stats.unusedLinePointers(), "the leftovers are freed");
    for (Tid t : expected) {
      assertEquals(SlottedPage.UNUSED, state(t));
    }
    VacuumStats third = f.heap.vacuum(REL, f.tm.oldestXmin(), index);
    assertEquals(0, third.indexPasses(), "nothing left to hand over");
  }

  @Test
  void manyDeadTidsAreHandedOverInBoundedSortedBatches() {
    List<Tid> tids = new ArrayList<>();
    Set<Tid> expected = makeDeadVersions(tids);
    RecordingIndex index = new RecordingIndex();
    int perPass = 40;
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin(), index, perPass);
    assertTrue(index.batches.size() > 1, "batches " + index.batches.size());
    assertEquals(index.batches.size(), stats.indexPasses());
    int maxSlotsOnAPage = SlottedPage.MAX_ITEM_SIZE / (TupleHeader.SIZE + SlottedPage.LINE_POINTER_SIZE);
    Tid previous = null;
    for (DeadTids d : index.batches) {
      assertTrue(d.size() < perPass + maxSlotsOnAPage, "batch of " + d.size());
      for (int i = 0; i < d.size(); i++) {
        assertTrue(previous == null || previous.compareTo(d.get(i)) < 0, "ascending across batches");
        previous = d.get(i);
      }
    }
    assertEquals(expected, index.all());
    assertEquals(expected.size(), stats.unusedLinePointers());
  }

  @Test
  void withoutIndexesSlotsBecomeUnusedAtOnceAndLeftoverDeadSlotsAreFreed() {
    List<Tid> tids = new ArrayList<>();
    Set<Tid> expected = makeDeadVersions(tids);
    assertThrows(IllegalStateException.class, () -> f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {
      throw new IllegalStateException("crash between the phases");
    }));
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(0, stats.indexPasses());
    assertEquals(expected.size(), stats.unusedLinePointers());
    for (Tid t : expected) {
      assertEquals(SlottedPage.UNUSED, state(t));
    }
  }

  @Test
  void deadTidsIsASortedSetWithMembership() {
    DeadTids d = DeadTids.of(List.of(new Tid(3, 7), new Tid(0, 1), new Tid(3, 2), new Tid(0, 1), new Tid(70000, 2041)));
    assertEquals(4, d.size());
    assertEquals(new Tid(0, 1), d.get(0));
    assertEquals(new Tid(3, 2), d.get(1));
    assertEquals(new Tid(3, 7), d.get(2));
    assertEquals(new Tid(70000, 2041), d.get(3));
    assertTrue(d.contains(3, 7));
    assertTrue(d.contains(new Tid(70000, 2041)));
    assertFalse(d.contains(3, 8));
    assertFalse(d.contains(2, 7));
    assertFalse(d.contains(-1, -1));
    assertTrue(DeadTids.empty().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> DeadTids.of(List.of(Tid.INVALID)));
  }
}
