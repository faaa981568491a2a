package dev.parallax.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads increment counters in pages of a relation ten times larger than the pool, so pages
 * are evicted and read back constantly: no increment may be lost (a lost write-back or two frames
 * for one page would lose some), and the counts survive a restart.
 */
class BufferPoolConcurrencyTest {
  private static final int PAGES = 200;
  private static final int COUNTER = 100;

  @TempDir Path dir;

  private static void increment(StorageEngine e, int block) {
    try (Buffer b = e.bufferPool().pin(new PageId(TestPages.REL, block))) {
      b.latchExclusive();
      try {
        int v = SlottedPage.getInt(b.data(), COUNTER) + 1;
        byte[] payload = new byte[8];
        SlottedPage.putInt(payload, 0, COUNTER);
        SlottedPage.putInt(payload, 4, v);
        SlottedPage.putInt(b.data(), COUNTER, v);
        e.wal().logPageChange(b, TestPages.RMGR, 1, 0, payload);
      } finally {
        b.unlatch();
      }
    }
  }

  private static long total(StorageEngine e) {
    long sum = 0;
    for (int b = 0; b < PAGES; b++) {
      try (Buffer buf = e.bufferPool().pin(new PageId(TestPages.REL, b))) {
        buf.latchShared();
        sum += SlottedPage.getInt(buf.data(), COUNTER);
        buf.unlatch();
      }
    }
    return sum;
  }

  private void run(StorageEngine e, long seed) throws Exception {
    int threads = 4;
    int each = 5_000;
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random rnd = new Random(seed + t);
      ts.add(new Thread(() -> {
        try {
          for (int i = 0; i < each; i++) {
            increment(e, rnd.nextInt(PAGES));
          }
        } catch (Throwable x) {
          failures.add(x.toString());
        }
      }));
    }
    ts.forEach(Thread::start);
    for (Thread t : ts) {
      t.join(60_000);
    }
    assertTrue(failures.isEmpty(), failures + "; seed " + seed);
    assertEquals((long) threads * each, total(e), "seed " + seed);
    assertTrue(e.bufferPool().stats().evictions() > 0, "the test must evict to mean anything");
  }

  private static void create(StorageEngine e) {
    e.bufferPool().createRelation(TestPages.REL);
    for (int i = 0; i < PAGES; i++) {
      try (Buffer b = e.bufferPool().extend(TestPages.REL)) {
        b.latchExclusive();
        e.wal().logPageChange(b, TestPages.RMGR, 1, 0, new byte[] {COUNTER, 0, 0, 0, 0, 0, 0, 0});
        b.unlatch();
      }
    }
  }

  @Test
  void noLostIncrementsUnderEvictionOnDiskAndAfterRestart() throws Exception {
    long seed = System.nanoTime();
    StorageSettings small = StorageSettings.defaults().withBufferPoolPages(20).withAsynchronousCommit(true);
    try (StorageEngine e = TestPages.open(dir, small, new TestPages())) {
      e.recover();
      create(e);
      run(e, seed);
    }
    try (StorageEngine e = TestPages.open(dir, small, new TestPages())) {
      e.recover();
      assertEquals(20_000, total(e), "after restart; seed " + seed);
    }
  }

  @Test
  void noLostIncrementsUnderEvictionInMemory() throws Exception {
    try (StorageEngine e = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(20))) {
      e.recover();
      create(e);
      run(e, System.nanoTime());
    }
  }

  @Test
  void twoThreadsPinningTheSameUncachedPageGetOneFrame() throws Exception {
    try (StorageEngine e = TestPages.open(dir, StorageSettings.defaults().withBufferPoolPages(20), new TestPages())) {
      e.recover();
      create(e);
      e.checkpoint();
      for (int round = 0; round < 50; round++) {
        int block = round % PAGES;
        // Evict the page by touching others, then race two pins for it.
        for (int b = 0; b < 40; b++) {
          e.bufferPool().pin(new PageId(TestPages.REL, (block + 1 + b) % PAGES)).close();
        }
        CyclicBarrier go = new CyclicBarrier(2);
        Buffer[] got = new Buffer[2];
        Thread[] ts = new Thread[2];
        for (int i = 0; i < 2; i++) {
          int k = i;
          ts[i] = new Thread(() -> {
            try {
              go.await();
              got[k] = e.bufferPool().pin(new PageId(TestPages.REL, block));
            } catch (Exception x) {
              throw new RuntimeException(x);
            }
          });
          ts[i].start();
        }
        for (Thread t : ts) {
          t.join();
        }
        assertSame(got[0], got[1], "one frame per page");
        got[0].close();
        got[1].close();
      }
    }
  }

  @Test
  void aDirtyPageIsWrittenOnlyAfterTheLogCoversItsLastChange() {
    // Asynchronous commit with a one-minute writer delay, so no one else flushes during the test:
    // only the write-back rule can make the log durable.
    StorageSettings s = new StorageSettings(20, 16 << 20, 0, true, 60_000);
    try (StorageEngine e = TestPages.open(dir, s, new TestPages())) {
      e.recover();
      create(e);
      e.checkpoint();
      for (int round = 0; round < 20; round++) {
        increment(e, 0);
        long lsn;
        try (Buffer b = e.bufferPool().pin(new PageId(TestPages.REL, 0))) {
          lsn = b.pageLsn();
        }
        long writesBefore = e.bufferPool().stats().writes();
        for (int b = 1; b < 60; b++) { // push block 0 out of the 20-frame pool
          e.bufferPool().pin(new PageId(TestPages.REL, b)).close();
        }
        assertTrue(e.bufferPool().stats().writes() > writesBefore, "block 0 was written back");
        assertTrue(e.wal().flushedPosition() >= lsn, "round " + round + ": page with LSN " + lsn
            + " written while the log was durable only to " + e.wal().flushedPosition());
      }
    }
  }
}
