package dev.parallax.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed hint bits under asynchronous commit: not while the commit record may still be lost
 * (a page written with the hint could outlive the commit in a crash), and set once the log is
 * flushed past it, so readers stop asking the commit log.
 */
class AsyncCommitHintTest {
  /** The committed hint of the version at {@code tid} after two readers passed (the first may set it). */
  private static int hints(HeapFixture f, Tid tid) {
    HeapTuple t = null;
    for (int i = 0; i < 2; i++) {
      Transaction reader = f.tm.begin(IsolationLevel.READ_COMMITTED, true);
      t = f.heap.fetch(HeapFixture.REL, tid, reader.statementSnapshot(), reader);
      assertNotNull(t);
      reader.commit();
    }
    return t.infomask() & TupleHeader.XMIN_COMMITTED;
  }

  @Test
  void theCommittedHintWaitsForTheFlush(@TempDir Path dir) {
    // A WAL writer delay far longer than the test: nothing is flushed behind our back.
    try (HeapFixture f = HeapFixture.onDisk(dir, new StorageSettings(256, 16 << 20, 0, true, 600_000))) {
      Transaction w = f.rc();
      Tid tid = f.heap.insert(HeapFixture.REL, w, HeapFixture.row(1, "a"));
      w.commit();
      assertEquals(0, hints(f, tid), "no committed hint before the commit record is durable");
      f.storage.wal().flush(f.storage.wal().insertPosition());
      assertEquals(TupleHeader.XMIN_COMMITTED, hints(f, tid), "the hint once the log is flushed past the commit");
    }
  }
}
