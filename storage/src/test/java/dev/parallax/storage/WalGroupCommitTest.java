package dev.parallax.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalGroupCommitTest {
  /** Record type of the crash test: payload is (thread, sequence number), no page. */
  private static final int ACKED = 7;

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

  /**
   * Regression guard for commits that return early: 8 committers append (thread, seq) records and
   * flush each; whatever a flush acknowledged is remembered. A simulated crash at a random moment
   * discards everything not yet written by a sync (and nothing is written after it); recovery must
   * replay every record acknowledged since the last checkpoint (the one recovery wrote). Five
   * crashes, each into the recovered log of the one before. A flush that returned before the
   * leader's write + fsync of its record fails here; a hand-over that lost a waiter hangs it, and
   * the joins time out.
   */
  @Test
  void everyAcknowledgedFlushSurvivesACrashAtAnyMoment() throws Exception {
    Random rnd = new Random(7);
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    int threads = 8;
    long total = 0;
    for (int round = 0; round < 6; round++) {
      Set<Long> replayed = new HashSet<>();
      FileStorageEngine e = openCollecting(replayed);
      e.recover();
      assertTrue(replayed.containsAll(acked), "acknowledged but lost: " + missing(acked, replayed));
      total += acked.size();
      acked.clear();
      if (round == 5) {
        e.close();
        break;
      }
      WriteAheadLog wal = e.wal();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long prefix = ((long) round << 48) | ((long) t << 32);
        ts.add(new Thread(() -> {
          for (long seq = 0; ; seq++) {
            long lsn;
            try {
              lsn = wal.append(TestPages.RMGR, ACKED, 0,
                  ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(prefix | seq).array());
              wal.flush(lsn);
            } catch (DatabaseException crashed) {
              return; // the crash: this record was not acknowledged
            }
            if (wal.flushedPosition() < lsn) {
              failures.add("flush returned before " + lsn + " was durable");
            }
            acked.add(prefix | seq);
          }
        }));
      }
      ts.forEach(Thread::start);
      Thread.sleep(50 + rnd.nextInt(250));
      e.crashForTesting();
      for (Thread t : ts) {
        t.join(30_000);
        assertTrue(!t.isAlive(), () -> "a committer still waits after the crash: " + stackOf(t));
      }
      assertTrue(failures.isEmpty(), failures.toString());
    }
    assertTrue(total > 100, "the committers got going: " + total + " acknowledged");
  }

  /** An engine without checkpoints whose replay adds every ACKED record's key to {@code replayed}. */
  private FileStorageEngine openCollecting(Set<Long> replayed) {
    StorageSettings settings = StorageSettings.defaults().withBufferPoolPages(64).withCheckpointIntervalMillis(0);
    StorageEngine e = StorageEngine.open(dir, settings);
    e.registerRedo(TestPages.RMGR, (r, ctx) -> {
      if (r.info() == ACKED) {
        replayed.add(ByteBuffer.wrap(r.payload()).order(ByteOrder.LITTLE_ENDIAN).getLong());
      }
    });
    return (FileStorageEngine) e;
  }

  private static String stackOf(Thread t) {
    StringBuilder b = new StringBuilder(t.getName());
    for (StackTraceElement e : t.getStackTrace()) {
      b.append("\n  at ").append(e);
    }
    return b.toString();
  }

  private static String missing(Set<Long> acked, Set<Long> replayed) {
    Set<Long> m = new HashSet<>(acked);
    m.removeAll(replayed);
    return m.size() + " records, e.g. " + m.stream().limit(5).map(Long::toHexString).toList();
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
