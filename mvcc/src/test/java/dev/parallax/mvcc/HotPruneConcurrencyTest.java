package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static dev.parallax.mvcc.HeapFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * HOT updates, pruning on access, explicit prunes and vacuum racing with readers, on a few hot
 * rows of one page. Each row's "index" is a list of root tids (what index entries would name):
 * a HOT update adds none, a normal update (the page was full) adds the new version's tid, and the
 * vacuum's index pass removes the tids it is handed. Writers add one to a row's counter with
 * random aborts; REPEATABLE READ readers must see the same counters through the roots for their
 * whole transaction while chains are pruned under them, READ COMMITTED readers must never see a
 * counter go down; every reader sees each row exactly once. At the end every root names a
 * version or a redirect (never a freed slot), every version some snapshot may see is reached from
 * a root, and each counter equals its committed increments.
 */
class HotPruneConcurrencyTest {
  private static final int ROWS = 4;

  @Test
  void readersWritersPrunersAndVacuumAgreeOnEveryRow() throws Exception {
    for (int round = 0; round < 4; round++) {
      runRound(round);
    }
  }

  private void runRound(int round) throws Exception {
    try (HeapFixture f = new HeapFixture()) {
      f.heap.setPruneHorizon(f.tm::oldestXmin);
      List<CopyOnWriteArrayList<Tid>> roots = new ArrayList<>();
      Transaction init = f.rc();
      for (int r = 0; r < ROWS; r++) {
        roots.add(new CopyOnWriteArrayList<>(List.of(f.heap.insert(REL, init, row(r, "0")))));
      }
      init.commit();
      AtomicLongArray committed = new AtomicLongArray(ROWS);
      AtomicBoolean stop = new AtomicBoolean();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      int writers = 3;
      int others = 4;
      CyclicBarrier start = new CyclicBarrier(writers + others);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        SplittableRandom rnd = new SplittableRandom(round * 31L + w);
        threads.add(new Thread(guard(errors, () -> {
          start.await();
          for (int i = 0; i < 400; i++) {
            int r = rnd.nextInt(ROWS);
            if (increment(f, roots.get(r), r, rnd.nextInt(5) != 0)) {
              committed.incrementAndGet(r);
            }
          }
        })));
      }
      SplittableRandom rr = new SplittableRandom(round * 31L + 10);
      threads.add(new Thread(guard(errors, () -> {
        start.await();
        while (!stop.get()) {
          Transaction t = f.begin(IsolationLevel.REPEATABLE_READ);
          Snapshot snap = t.startStatement();
          long[] first = readAll(f, roots, snap, t);
          for (int k = 0; k < 20 && !stop.get(); k++) {
            Thread.sleep(rr.nextInt(2));
            long[] again = readAll(f, roots, snap, t);
            for (int r = 0; r < ROWS; r++) {
              assertEquals(first[r], again[r], "REPEATABLE READ sees one value of row " + r);
            }
          }
          t.commit();
        }
      })));
      threads.add(new Thread(guard(errors, () -> {
        start.await();
        long[] last = new long[ROWS];
        while (!stop.get()) {
          Transaction t = f.rc();
          long[] now = readAll(f, roots, t.startStatement(), t);
          t.commit();
          for (int r = 0; r < ROWS; r++) {
            assertTrue(now[r] >= last[r], "row " + r + " went from " + last[r] + " to " + now[r]);
            last[r] = now[r];
          }
        }
      })));
      SplittableRandom pr = new SplittableRandom(round * 31L + 20);
      threads.add(new Thread(guard(errors, () -> {
        start.await();
        while (!stop.get()) {
          int blocks = f.storage.bufferPool().blockCount(REL);
          f.heap.prune(REL, pr.nextInt(blocks));
          Thread.yield();
        }
      })));
      threads.add(new Thread(guard(errors, () -> {
        start.await();
        while (!stop.get()) {
          vacuum(f, roots);
          Thread.sleep(3);
        }
      })));
      for (Thread t : threads) {
        t.start();
      }
      for (int i = 0; i < writers; i++) {
        threads.get(i).join(120_000);
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
      assertTrue(errors.isEmpty(), () -> "round " + round + ": " + errors);

      vacuum(f, roots);
      Transaction t = f.rc();
      long[] end = readAll(f, roots, t.startStatement(), t);
      for (int r = 0; r < ROWS; r++) {
        assertEquals(committed.get(r), end[r], "round " + round + ": row " + r);
      }
      assertRootsAndReachability(f, roots, t);
      t.commit();
      assertTrue(f.heap.pruneStats().pagesPruned() > 0, "pruning happened");
    }
  }

  /** One RC transaction adding one to row {@code r}; true if it committed the increment. */
  private static boolean increment(HeapFixture f, List<Tid> roots, int r, boolean commit) {
    while (true) {
      Transaction t = f.rc();
      Snapshot snap = t.startStatement();
      HeapTuple cur = visible(f, roots, snap, t, r);
      long value = Long.parseLong(text(cur));
      HeapResult res = f.heap.update(REL, cur.tid(), row(r, Long.toString(value + 1)), t, true);
      if (res.code() != HeapResult.Code.OK) {
        t.rollback();
        if (res.code() == HeapResult.Code.BEING_MODIFIED) {
          f.tm.waitForEnd(res.conflictingXid());
        }
        continue;
      }
      if (!res.heapOnly()) {
        roots.add(res.newTid()); // the "index insert" of a normal update
      }
      if (commit) {
        t.commit();
      } else {
        t.rollback();
      }
      return commit;
    }
  }

  /** The one version of row {@code r} the snapshot sees through the row's roots. */
  private static HeapTuple visible(HeapFixture f, List<Tid> roots, Snapshot snap, Transaction t, int r) {
    HeapTuple found = null;
    Set<Tid> seen = new HashSet<>();
    for (Tid root : roots) {
      HeapTuple v = f.heap.fetch(REL, root, snap, t);
      if (v != null && seen.add(v.tid())) {
        assertEquals(r, HeapFixture.id(v), "root " + root + " of row " + r + " leads to another row");
        assertTrue(found == null, "row " + r + " is seen twice: " + found + " and " + v);
        found = v;
      }
    }
    assertTrue(found != null, "row " + r + " is not seen through its roots " + roots);
    return found;
  }

  private static long[] readAll(HeapFixture f, List<CopyOnWriteArrayList<Tid>> roots, Snapshot snap, Transaction t) {
    long[] out = new long[ROWS];
    for (int r = 0; r < ROWS; r++) {
      out[r] = Long.parseLong(text(visible(f, roots.get(r), snap, t, r)));
    }
    return out;
  }

  private static void vacuum(HeapFixture f, List<CopyOnWriteArrayList<Tid>> roots) {
    f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {
      for (List<Tid> list : roots) {
        list.removeIf(dead::contains);
      }
    });
  }

  private static void assertRootsAndReachability(HeapFixture f, List<CopyOnWriteArrayList<Tid>> roots, Transaction t) {
    Set<Tid> all = new HashSet<>();
    for (List<Tid> list : roots) {
      for (Tid root : list) {
        int state = state(f, root);
        assertNotEquals(SlottedPage.UNUSED, state, "root " + root + " names a free slot");
        all.add(root);
      }
    }
    HeapVersions versions = new HeapVersions(f.storage.bufferPool(), f.heap.visibility());
    versions.forEachIndexable(REL, f.tm.oldestXmin(), t, (version, live, root) -> {
      assertTrue(all.contains(root), "version " + version + " (root " + root + ") is reached from no root");
    });
  }

  private static int state(HeapFixture f, Tid tid) {
    try (Buffer b = f.storage.bufferPool().pin(new PageId(REL, tid.block()))) {
      b.latchShared();
      try {
        byte[] p = b.data();
        return tid.slot() < SlottedPage.slotCount(p) ? SlottedPage.state(p, tid.slot()) : SlottedPage.UNUSED;
      } finally {
        b.unlatch();
      }
    }
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  private static Runnable guard(List<Throwable> errors, Body body) {
    return () -> {
      try {
        body.run();
      } catch (Throwable e) {
        errors.add(e);
      }
    };
  }
}
