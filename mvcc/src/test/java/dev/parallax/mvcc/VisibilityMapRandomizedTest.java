package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static dev.parallax.mvcc.VisibilityMapChecks.assertInvariant;
import static dev.parallax.mvcc.VisibilityMapChecks.assertPage;
import static dev.parallax.mvcc.VisibilityMapChecks.initialisedPages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random inserts, updates, deletes, row locks and vacuums (with and without an index pass) on a
 * small table, checking the visibility map's invariant throughout: a page whose bit is set holds
 * only tuples with a committed xmin that a fresh snapshot sees (see {@link VisibilityMapChecks}).
 * {@code -Dparallax.test.seed=S} replays the random choices (thread interleavings differ).
 */
class VisibilityMapRandomizedTest {
  private static final int ROWS = 64;

  @TempDir Path dir;

  /** One random transaction of one to three changes on rows picked from {@code known}. */
  private static void randomTransaction(HeapFixture f, Random rnd, AtomicReferenceArray<Tid> known, AtomicLong keys) {
    Transaction t = f.rc();
    int changes = 1 + rnd.nextInt(3);
    int[] slots = new int[changes];
    Tid[] newTids = new Tid[changes];
    boolean ok = true;
    for (int c = 0; c < changes && ok; c++) {
      if (c > 0) {
        t.commandCounterIncrement();
      }
      int i = rnd.nextInt(ROWS);
      slots[c] = i;
      Tid tid = known.get(i);
      int op = rnd.nextInt(10);
      if (op < 3) {
        newTids[c] = f.heap.insert(REL, t, row(keys.incrementAndGet(), "ins" + " ".repeat(rnd.nextInt(200))));
      } else if (op < 7) {
        HeapResult r = f.heap.update(REL, tid, row(keys.incrementAndGet(), "upd" + " ".repeat(rnd.nextInt(300))), t);
        ok = r.code() == HeapResult.Code.OK;
        newTids[c] = ok ? r.newTid() : null;
      } else if (op < 9) {
        ok = f.heap.delete(REL, tid, t).code() == HeapResult.Code.OK;
      } else {
        ok = f.heap.lock(REL, tid, t).code() == HeapResult.Code.OK;
      }
    }
    if (!ok || rnd.nextInt(4) == 0) {
      t.rollback();
      return;
    }
    t.commit();
    for (int c = 0; c < changes; c++) {
      if (newTids[c] != null) {
        known.set(slots[c], newTids[c]);
      }
    }
  }

  private static void randomVacuum(HeapFixture f, Random rnd) {
    if (rnd.nextBoolean()) {
      f.heap.vacuum(REL, f.tm.oldestXmin());
    } else {
      f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {}, 1 + rnd.nextInt(100));
    }
  }

  private static AtomicReferenceArray<Tid> load(HeapFixture f) {
    AtomicReferenceArray<Tid> known = new AtomicReferenceArray<>(ROWS);
    Transaction t = f.rc();
    HeapScan s = f.heap.scan(REL, t.startStatement(), t);
    int i = 0;
    while (s.hasNext()) {
      Tid tid = s.next().tid();
      known.set(i++ % ROWS, tid);
    }
    while (i < ROWS) {
      known.set(i++, f.heap.insert(REL, t, row(i, "start")));
    }
    t.commit();
    return known;
  }

  @Test
  void concurrentChangesAndVacuumsNeverLeaveABitOverAnUnsettledTuple() throws Exception {
    long seed = Long.getLong("parallax.test.seed", System.nanoTime());
    try (HeapFixture f = new HeapFixture()) {
      AtomicReferenceArray<Tid> known = load(f);
      AtomicLong keys = new AtomicLong(1_000);
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong bitsChecked = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        Random rnd = new Random(seed + w);
        threads.add(new Thread(() -> {
          try {
            for (int n = 0; n < 700 && failures.isEmpty(); n++) {
              randomTransaction(f, rnd, known, keys);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      Thread vacuum = new Thread(() -> {
        Random rnd = new Random(seed + 100);
        try {
          while (!stop.get() && failures.isEmpty()) {
            // Sometimes an old snapshot holds the horizon back, leaving recently dead versions.
            Transaction old = rnd.nextInt(4) == 0 ? f.begin(IsolationLevel.REPEATABLE_READ) : null;
            if (old != null) {
              old.startStatement();
            }
            randomVacuum(f, rnd);
            if (old != null) {
              old.commit();
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      Thread checker = new Thread(() -> {
        try {
          while (!stop.get() && failures.isEmpty()) {
            int blocks = f.storage.bufferPool().blockCount(REL);
            for (int b = 0; b < blocks; b++) {
              if (assertPage(f, REL, b, "seed " + seed)) {
                bitsChecked.incrementAndGet();
              }
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.forEach(Thread::start);
      vacuum.start();
      checker.start();
      for (Thread t : threads) {
        t.join();
      }
      stop.set(true);
      vacuum.join();
      checker.join();
      if (!failures.isEmpty()) {
        AssertionError e = new AssertionError("seed " + seed + ": " + failures.peek(), failures.peek());
        failures.stream().skip(1).forEach(e::addSuppressed);
        throw e;
      }
      assertTrue(bitsChecked.get() > 0, "the checker saw set bits to check (seed " + seed + ")");
      // Quiet now: two vacuums (the second frees what the first left DEAD) mark every page.
      f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {});
      f.heap.vacuum(REL, f.tm.oldestXmin());
      int blocks = initialisedPages(f, REL);
      assertEquals(blocks, assertInvariant(f, REL, "quiesced, seed " + seed), "every page all-visible at rest");
    }
  }

  /**
   * Random changes and vacuums through a buffer pool far smaller than the table (so pages and the
   * map page reach disk at random moments, together or apart), random checkpoints, then a crash
   * (log flushed or not, a transaction sometimes left open); after each recovery the invariant
   * must hold, alternately with synchronous and asynchronous commit.
   */
  @Test
  void crashesAtRandomMomentsKeepTheInvariantAfterRecovery() {
    long seed = Long.getLong("parallax.test.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Path d = dir.resolve("db");
    long bitsAfterRecovery = 0;
    for (int round = 0; round < 4; round++) {
      StorageSettings settings = StorageSettings.defaults().withBufferPoolPages(16).withAsynchronousCommit(round % 2 == 1);
      HeapFixture f = HeapFixture.onDisk(d, settings);
      String context = "seed " + seed + ", round " + round;
      bitsAfterRecovery += assertInvariant(f, REL, "after recovery, " + context);
      if (round == 0) {
        Transaction t = f.rc();
        for (int i = 0; i < 1000; i++) {
          f.heap.insert(REL, t, row(i, "filler" + " ".repeat(200)));
        }
        t.commit();
        assertTrue(f.storage.bufferPool().blockCount(REL) > 16, "table larger than the pool");
      }
      AtomicReferenceArray<Tid> known = load(f);
      AtomicLong keys = new AtomicLong(100_000L * (round + 1));
      for (int n = 0; n < 300; n++) {
        randomTransaction(f, rnd, known, keys);
        if (rnd.nextInt(25) == 0) {
          randomVacuum(f, rnd);
        }
        if (rnd.nextInt(120) == 0) {
          f.storage.checkpoint();
        }
      }
      randomVacuum(f, rnd);
      assertInvariant(f, REL, "before the crash, " + context);
      if (rnd.nextBoolean()) {
        Transaction open = f.rc();
        f.heap.insert(REL, open, row(-1, "never committed"));
      }
      if (rnd.nextBoolean()) {
        f.storage.wal().flush(f.storage.wal().insertPosition());
      }
      f.crash();
    }
    HeapFixture f = HeapFixture.onDisk(d, StorageSettings.defaults().withBufferPoolPages(16));
    bitsAfterRecovery += assertInvariant(f, REL, "after the last recovery, seed " + seed);
    assertTrue(bitsAfterRecovery > 0, "some bits survived crashes to be checked (seed " + seed + ")");
    f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {});
    f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(initialisedPages(f, REL), assertInvariant(f, REL, "at rest, seed " + seed));
    f.close();
  }
}
