package dev.parallax.storage.btree;

import static dev.parallax.storage.btree.BTreeFixture.REL;
import static dev.parallax.storage.btree.BTreeFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.StorageEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Writers insert while readers search: a reader must find every entry whose insert returned
 * before the reader started, whatever splits run meanwhile (the Lehman-Yao guarantee), in point
 * lookups and in scans in both directions. Keys are padded so that splits, including root splits,
 * happen all the time. At the end the tree is checked and holds exactly what was inserted.
 */
class BTreeConcurrencyTest {
  private static final int WRITERS = 4;
  private static final int READERS = 3;
  private static final int PER_WRITER = 6000;
  private static final int PAD = 120;

  @Test
  void readersNeverMissAnEntryInsertedBeforeTheyStarted() throws Exception {
    for (int seed = 1; seed <= 3; seed++) {
      run(seed);
    }
  }

  private void run(long seed) throws Exception {
    StorageEngine e = BTreeFixture.memory(8192);
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    // writer w inserts the values w, w + WRITERS, ... in a shuffled order; done[w] counts them
    List<List<Long>> orders = new ArrayList<>();
    Random rnd = new Random(seed);
    for (int w = 0; w < WRITERS; w++) {
      List<Long> vs = new ArrayList<>();
      for (int i = 0; i < PER_WRITER; i++) {
        vs.add((long) i * WRITERS + w);
      }
      Collections.shuffle(vs, rnd);
      orders.add(vs);
    }
    AtomicIntegerArray done = new AtomicIntegerArray(WRITERS);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int me = w;
      threads.add(new Thread(() -> {
        await(start);
        for (long v : orders.get(me)) {
          tree.insert(key(v, PAD), BTree.tid((int) v, 1));
          done.incrementAndGet(me);
        }
      }));
    }
    for (int r = 0; r < READERS; r++) {
      long readerSeed = seed * 100 + r;
      threads.add(new Thread(() -> {
        Random rr = new Random(readerSeed);
        await(start);
        while (!stop.get() && failures.isEmpty()) {
          int[] seen = new int[WRITERS];
          for (int w = 0; w < WRITERS; w++) {
            seen[w] = done.get(w);
          }
          switch (rr.nextInt(3)) {
            case 0 -> {
              for (int i = 0; i < 200; i++) {
                int w = rr.nextInt(WRITERS);
                if (seen[w] == 0) {
                  continue;
                }
                long v = orders.get(w).get(rr.nextInt(seen[w]));
                if (tree.lookup(key(v, PAD)).length != 1) {
                  failures.add("lookup missed " + v);
                }
              }
            }
            case 1, 2 -> {
              boolean forward = rr.nextBoolean();
              java.util.BitSet found = new java.util.BitSet();
              BTreeCursor c = tree.scan(ScanBounds.ALL, forward);
              long last = forward ? Long.MIN_VALUE : Long.MAX_VALUE;
              while (c.next()) {
                long v = BTree.tidBlock(c.tid());
                if (forward ? v <= last : v >= last) {
                  failures.add("scan out of order: " + v + " after " + last);
                }
                last = v;
                found.set((int) v);
              }
              for (int w = 0; w < WRITERS; w++) {
                for (int i = 0; i < seen[w]; i++) {
                  long v = orders.get(w).get(i);
                  if (!found.get((int) v)) {
                    failures.add((forward ? "forward" : "backward") + " scan missed " + v);
                    break;
                  }
                }
              }
            }
            default -> throw new AssertionError();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    start.countDown();
    for (int i = 0; i < WRITERS; i++) {
      threads.get(i).join(TimeUnit.SECONDS.toMillis(60));
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertTrue(!t.isAlive(), "a thread hung");
    }
    assertTrue(failures.isEmpty(), failures.toString());
    BTreeCheck.Report report = tree.check();
    assertTrue(report.ok(), report.problems().toString());
    assertEquals(WRITERS * PER_WRITER, report.leafEntries());
    assertTrue(report.levels() >= 3, "levels: " + report.levels());
  }

  private static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      throw new RuntimeException(e);
    }
  }
}
