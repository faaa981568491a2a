package dev.parallax.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Writers begin, assign ids (top and sub), commit or abort at random while readers take snapshots
 * and check them against the present: an id a snapshot treats as ended must really have ended
 * (committed or aborted, never still running), and once a reader has seen an id committed, no
 * later snapshot of that reader may list it as running. At the end nothing is left running.
 */
class SnapshotConsistencyTest {
  @Test
  void snapshotsNeverSeeAnEndedTransactionAsRunningAgain() throws Exception {
    long seed = Long.getLong("parallax.test.seed", System.nanoTime());
    StorageEngine storage = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(256));
    TransactionManager tm = new TransactionManager(storage);
    storage.recover();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      Random rnd = new Random(seed + w);
      threads.add(new Thread(() -> {
        for (int i = 0; i < 3000 && failures.isEmpty(); i++) {
          Transaction t = tm.begin(IsolationLevel.READ_COMMITTED, false);
          t.xidForWrite();
          if (rnd.nextBoolean()) {
            t.savepoint("s");
            t.xidForWrite();
            if (rnd.nextBoolean()) {
              t.rollbackToSavepoint("s");
            }
          }
          if (rnd.nextInt(4) == 0) {
            t.rollback();
          } else {
            t.commit();
          }
        }
      }));
    }
    for (int r = 0; r < 2; r++) {
      threads.add(new Thread(() -> {
        long seenCommittedBelow = 0; // every id below it was ended in an earlier snapshot
        while (!stop.get() && failures.isEmpty()) {
          Transaction t = tm.begin(IsolationLevel.READ_COMMITTED, true);
          Snapshot s = t.startStatement();
          for (long x = Math.max(Xids.FIRST_NORMAL, s.xmin() - 50); x < s.xmax(); x++) {
            if (!s.isRunning(x) && tm.status().isInProgress(x)) {
              failures.add("snapshot " + s + " treats running " + x + " as ended");
            }
            if (s.isRunning(x) && x < seenCommittedBelow) {
              failures.add("id " + x + " ended in an earlier snapshot but runs in " + s);
            }
          }
          seenCommittedBelow = Math.max(seenCommittedBelow, s.xmin());
          t.commit();
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads.subList(0, 3)) {
      t.join(60_000);
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertEquals(List.of(), List.copyOf(failures), "seed " + seed);
    assertEquals(0, tm.runningCount());
    assertEquals(tm.nextXid(), tm.oldestXmin());
    assertTrue(tm.stats().commits() + tm.stats().aborts() >= 9000);
    storage.close();
  }
}
