package dev.parallax.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit log spans pages (32,672 ids each) and survives a restart: statuses read back the
 * same, and ids continue past every id used before.
 */
class CommitLogPersistenceTest {
  private static final int IDS = 70_000; // three commit-log pages

  @Test
  void statusesSurviveReopenAcrossPages(@TempDir Path dir) {
    // Asynchronous commit: 70,000 durable commits one fsync each would take minutes; the clean
    // close below flushes everything anyway.
    StorageSettings settings = StorageSettings.defaults().withBufferPoolPages(512).withAsynchronousCommit(true);
    Random rnd = new Random(7);
    List<Long> committed = new ArrayList<>();
    List<Long> aborted = new ArrayList<>();
    long next;
    try (StorageEngine storage = StorageEngine.open(dir, settings)) {
      TransactionManager tm = new TransactionManager(storage);
      storage.recover();
      for (int i = 0; i < IDS; i++) {
        Transaction t = tm.begin(IsolationLevel.READ_COMMITTED, false);
        long x = t.xidForWrite();
        if (rnd.nextInt(3) == 0) {
          t.rollback();
          aborted.add(x);
        } else {
          t.commit();
          committed.add(x);
        }
      }
      next = tm.nextXid();
    }
    try (StorageEngine storage = StorageEngine.open(dir, settings)) {
      TransactionManager tm = new TransactionManager(storage);
      storage.recover();
      assertTrue(tm.nextXid() >= next, "ids continue past the last used: " + tm.nextXid() + " < " + next);
      TransactionStatus s = tm.status();
      for (long x : committed) {
        assertTrue(s.didCommit(x), "committed " + x);
      }
      for (long x : aborted) {
        assertTrue(s.didAbort(x), "aborted " + x);
      }
      Transaction t = tm.begin(IsolationLevel.READ_COMMITTED, false);
      assertTrue(t.xidForWrite() >= next);
      t.commit();
    }
  }

  @Test
  void anIdNeverCommittedReadsAbortedAfterRestart(@TempDir Path dir) {
    long open;
    long done;
    try (StorageEngine storage = StorageEngine.open(dir, StorageSettings.defaults().withBufferPoolPages(128))) {
      TransactionManager tm = new TransactionManager(storage);
      storage.recover();
      Transaction left = tm.begin(IsolationLevel.READ_COMMITTED, false);
      open = left.xidForWrite(); // never ends: the engine closes under it
      Transaction t = tm.begin(IsolationLevel.READ_COMMITTED, false);
      done = t.xidForWrite();
      t.commit();
    }
    try (StorageEngine storage = StorageEngine.open(dir, StorageSettings.defaults().withBufferPoolPages(128))) {
      TransactionManager tm = new TransactionManager(storage);
      storage.recover();
      assertTrue(tm.status().didAbort(open));
      assertTrue(tm.status().didCommit(done));
      assertEquals(0, tm.runningCount());
    }
  }
}
