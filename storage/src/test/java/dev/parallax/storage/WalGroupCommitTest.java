package dev.parallax.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalGroupCommitTest {
  @TempDir Path dir;

  @Test
  void concurrentCommittersShareFsyncsAndEachReturnsDurable() throws Exception {
    try (StorageEngine e = StorageEngine.open(dir, StorageSettings.defaults().withBufferPoolPages(64))) {
      e.recover();
      WriteAheadLog wal = e.wal();
      WalStats before = wal.stats();
      int threads = 8;
      int perThread = 150;
      CyclicBarrier start = new CyclicBarrier(threads);
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts.add(new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < perThread; i++) {
              long lsn = wal.append(TestPages.RMGR, 1, id + 3, new byte[40]);
              wal.flush(lsn);
              if (wal.flushedPosition() < lsn) {
                failures.add("flush returned before " + lsn + " was durable");
              }
            }
          } catch (Exception ex) {
            failures.add(ex.toString());
          }
        }));
      }
      ts.forEach(Thread::start);
      for (Thread t : ts) {
        t.join(60_000);
      }
      assertTrue(failures.isEmpty(), failures.toString());
      WalStats after = wal.stats();
      long requests = after.flushRequests() - before.flushRequests();
      long fsyncs = after.fsyncs() - before.fsyncs();
      assertTrue(requests > 0 && requests <= threads * perThread);
      assertTrue(fsyncs < threads * perThread, "group commit must share fsyncs: " + fsyncs + " fsyncs for "
          + threads * perThread + " commits");
      assertEquals(wal.insertPosition(), wal.flushedPosition());
    }
  }

  @Test
  void asynchronousCommitBecomesDurableWithinTheWriterDelay() throws Exception {
    StorageSettings async = StorageSettings.defaults().withBufferPoolPages(64).withAsynchronousCommit(true);
    try (StorageEngine e = StorageEngine.open(dir, async)) {
      e.recover();
      assertTrue(e.wal().asynchronousCommit());
      long lsn = e.wal().append(TestPages.RMGR, 1, 3, new byte[10]);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (e.wal().flushedPosition() < lsn && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(e.wal().flushedPosition() >= lsn, "the writer thread flushed without being asked");
    }
  }
}
