package dev.parallax.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link PageLatch}: exclusion, the reentrancy the old lock allowed, and no lost wake-ups. */
class PageLatchTest {
  private static final class TestLatch extends PageLatch {}

  @Test
  void ownerMayReenterAndTakeTheSharedLatch() {
    TestLatch l = new TestLatch();
    l.latchExclusive();
    assertTrue(l.tryLatchExclusive());
    l.latchShared();
    l.unlatch(); // exclusive, inner
    l.unlatch(); // exclusive, outer
    l.unlatch(); // the shared one, now that we no longer own it
    assertTrue(l.tryLatchExclusive());
    l.unlatch();
    assertThrows(IllegalMonitorStateException.class, l::unlatch);
  }

  /**
   * A reader that already holds the shared latch takes it again while a writer waits: readers
   * wait only for a held writer, so this must not deadlock (the old lock allowed it too).
   */
  @Test
  void sharedReentryWhileAWriterWaits() throws Exception {
    TestLatch l = new TestLatch();
    l.latchShared();
    CountDownLatch writing = new CountDownLatch(1);
    Thread writer = new Thread(() -> {
      l.latchExclusive();
      writing.countDown();
      l.unlatch();
    });
    writer.start();
    Thread.sleep(50); // let the writer spin out and wait
    assertFalse(l.tryLatchExclusive());
    l.latchShared();
    l.unlatch();
    assertEquals(1, writing.getCount());
    l.unlatch();
    assertTrue(writing.await(10, TimeUnit.SECONDS), "writer was not woken by the last reader");
    writer.join();
  }

  /**
   * Eight threads, a quarter of the operations exclusive: a writer must never overlap a reader or
   * another writer (checked by a plain counter and an active-reader count), and every thread must
   * finish (a lost wake-up would leave one waiting forever).
   */
  @Test
  void exclusionAndProgressUnderContention() throws Exception {
    TestLatch l = new TestLatch();
    AtomicInteger readers = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    int[] counter = new int[1];
    AtomicReference<String> failure = new AtomicReference<>();
    int threads = 8;
    int ops = 50_000;
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      Thread th = new Thread(() -> {
        long x = 0x9E3779B97F4A7C15L * (seed + 1);
        for (int i = 0; i < ops; i++) {
          x ^= x << 13;
          x ^= x >>> 7;
          x ^= x << 17;
          if ((x & 3) == 0) {
            l.latchExclusive();
            if (readers.get() != 0) {
              failure.set("writer overlaps a reader");
            }
            counter[0]++;
            writes.incrementAndGet();
            l.unlatch();
          } else {
            l.latchShared();
            readers.incrementAndGet();
            int before = counter[0];
            Thread.onSpinWait();
            if (counter[0] != before) {
              failure.set("counter changed under a shared latch");
            }
            readers.decrementAndGet();
            l.unlatch();
          }
        }
      });
      all.add(th);
      th.start();
    }
    for (Thread th : all) {
      th.join(TimeUnit.MINUTES.toMillis(2));
      assertFalse(th.isAlive(), "a thread is stuck waiting for the latch");
    }
    assertEquals(null, failure.get());
    l.latchExclusive();
    int total = counter[0];
    l.unlatch();
    assertEquals(writes.get(), total, "increments lost: writers overlapped");
  }
}
