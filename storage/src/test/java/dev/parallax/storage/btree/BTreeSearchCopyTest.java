package dev.parallax.storage.btree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.StorageEngine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Lookups through the pages' search copies ({@link PageSearch}, {@code BTree.lookupInCopies}):
 * the same answers as the latched path and a sorted model, on keys made to defeat 8-byte
 * abbreviations; copies that go stale when a page changes or its frame takes another page; and
 * readers racing writers.
 */
class BTreeSearchCopyTest {
  /** IndexKeyCodec-like column encodings (the codec itself lives in mvcc). */
  private static void bigint(ByteArrayOutputStream out, long v) {
    out.write(1);
    long x = v ^ Long.MIN_VALUE;
    for (int i = 0; i < 8; i++) {
      out.write((int) (x >>> (56 - 8 * i)));
    }
  }

  private static void text(ByteArrayOutputStream out, String s) {
    out.write(1);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      out.write(b);
      if (b == 0) {
        out.write(0xFF);
      }
    }
    out.write(0);
    out.write(0);
  }

  private static void nul(ByteArrayOutputStream out) {
    out.write(2);
  }

  /** Key families: each maps a number to a key; nearby numbers share long prefixes. */
  static final List<LongFunction<byte[]>> FAMILIES = List.of(
      v -> { // one BIGINT column (the benchmark's keys)
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        bigint(o, v - 500);
        return o.toByteArray();
      },
      v -> { // TEXT sharing 9+ bytes, of varying length, some a prefix of others
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        text(o, "customer-" + Long.toString(Math.floorMod(v, 300), 7) + (Math.floorMod(v, 3) == 0 ? "" : "\0x".repeat((int) Math.floorMod(v, 4))));
        return o.toByteArray();
      },
      v -> { // (INTEGER, TEXT) with NULLs in the second column, ordered last
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(1);
        o.write(0x80);
        o.write(0);
        o.write(0);
        o.write((int) Math.floorDiv(v, 37) & 0xFF);
        if (Math.floorMod(v, 5) == 0) {
          nul(o);
        } else {
          text(o, "n" + Math.floorMod(v, 37));
        }
        return o.toByteArray();
      },
      v -> { // long keys that differ only after 12 common bytes: abbreviations tie, lookups fall back
        byte[] k = new byte[20];
        Arrays.fill(k, 0, 12, (byte) 0x42);
        for (int i = 0; i < 8; i++) {
          k[12 + i] = (byte) ((v * 0x9E3779B97F4A7C15L) >>> (56 - 8 * i));
        }
        return k;
      });

  private static long[] expected(NavigableSet<byte[]> model, byte[] prefix) {
    List<Long> out = new ArrayList<>();
    for (byte[] it : model.tailSet(prefix, true)) {
      // lookup matches the prefix against whole items (key then TID), as callers never notice
      if (it.length < prefix.length || !Arrays.equals(it, 0, prefix.length, prefix, 0, prefix.length)) {
        break;
      }
      out.add(BTreePage.decodeTid(it, it.length - BTreePage.TID_SIZE));
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void lookupsThroughCopiesAgreeWithTheLatchedPathAndTheModel() {
    for (int f = 0; f < FAMILIES.size(); f++) {
      LongFunction<byte[]> family = FAMILIES.get(f);
      try (StorageEngine e = BTreeFixture.memory(4096)) {
        BTree tree = BTree.create(e.bufferPool(), e.wal(), BTreeFixture.REL);
        NavigableSet<byte[]> model = BTreeFixture.model();
        Random rnd = new Random(f);
        for (int i = 0; i < 6000; i++) {
          long v = rnd.nextInt(3000); // about half the keys have duplicates (other TIDs)
          byte[] k = family.apply(v);
          long tid = BTree.tid(rnd.nextInt(1 << 20), 1 + rnd.nextInt(200));
          tree.insert(k, tid);
          model.add(BTreeFixture.item(k, tid));
        }
        int through = 0;
        int probes = 0;
        for (int round = 0; round < 3; round++) { // the first rounds attach the copies
          for (long v = -5; v < 3010; v++) {
            byte[] k = family.apply(v);
            byte[][] asked = {k, Arrays.copyOf(k, Math.max(0, k.length - 3)), Arrays.copyOf(k, k.length + 1)};
            for (byte[] q : asked) {
              long[] want = expected(model, q);
              assertArrayEquals(want, tree.lookup(q), "family " + f + " key " + v);
              long[] copies = tree.lookupInCopiesForTest(q);
              probes++;
              if (copies != null) {
                through++;
                assertArrayEquals(want, copies, "through copies: family " + f + " key " + v);
              }
            }
          }
        }
        assertTrue(tree.check().ok());
        if (f < 3) {
          assertTrue(through > probes / 4, "family " + f + ": copies answered " + through + " of " + probes);
        }
      }
    }
  }

  @Test
  void aChangedPageIsNeverReadThroughAnOldCopy() {
    try (StorageEngine e = BTreeFixture.memory(4096)) {
      BTree tree = BTree.create(e.bufferPool(), e.wal(), BTreeFixture.REL);
      LongFunction<byte[]> family = FAMILIES.get(0);
      for (long v = 0; v < 20_000; v += 2) {
        tree.insert(family.apply(v), BTree.tid((int) v, 1));
      }
      for (int round = 0; round < 2; round++) {
        for (long v = 0; v < 20_000; v += 2) {
          tree.lookup(family.apply(v));
        }
      }
      // (not a key near 500: the leaf where keys turn from negative to positive shares only the
      // tag byte, so its 9-byte keys abbreviate as long ones and lookups there fall back)
      assertArrayEquals(new long[] {BTree.tid(10_000, 1)}, tree.lookupInCopiesForTest(family.apply(10_000)), "copies are there");
      Random rnd = new Random(3);
      for (int i = 0; i < 5000; i++) {
        long v = 1 + 2 * rnd.nextInt(10_000); // odd: new keys, into leaves that have copies
        byte[] k = family.apply(v);
        long tid = BTree.tid((int) v, 2 + i);
        tree.insert(k, tid);
        long[] got = tree.lookup(k);
        assertTrue(Arrays.stream(got).anyMatch(t -> t == tid), "inserted " + v + " then looked it up");
        tree.lookup(k); // and make copies again, so that the next insert must invalidate one
      }
      // vacuum: removed entries must not come back through a copy
      long removed = tree.bulkDelete(t -> BTree.tidBlock(t) % 4 == 0);
      assertTrue(removed > 0);
      for (long v = 0; v < 20_000; v += 4) {
        long[] got = tree.lookup(family.apply(v));
        assertEquals(0, got.length, "deleted " + v);
        assertNull(nonEmpty(tree.lookupInCopiesForTest(family.apply(v))));
      }
    }
  }

  private static long[] nonEmpty(long[] a) {
    return a == null || a.length == 0 ? null : a;
  }

  @Test
  void aCopyGoesStaleWhenItsFrameTakesAnotherPage() {
    // 48 frames for a tree of hundreds of pages: every pass evicts the pages the last one copied
    try (StorageEngine e = BTreeFixture.memory(48)) {
      BTree tree = BTree.create(e.bufferPool(), e.wal(), BTreeFixture.REL);
      LongFunction<byte[]> family = FAMILIES.get(0);
      for (long v = 0; v < 60_000; v += 2) {
        tree.insert(family.apply(v), BTree.tid((int) v, 1));
      }
      Random rnd = new Random(5);
      int through = 0;
      for (int i = 0; i < 400; i++) {
        long near = 2 * rnd.nextInt(30_000);
        tree.lookup(family.apply(near));
        tree.lookup(family.apply(near)); // copies of its path
        if (tree.lookupInCopiesForTest(family.apply(near)) != null) {
          through++;
        }
        for (int j = 0; j < 200; j++) { // evict them
          tree.lookup(family.apply(2 * rnd.nextInt(30_000)));
        }
        long v = near + 1; // same leaf, loaded into another frame and changed there
        tree.insert(family.apply(v), BTree.tid((int) v, 9));
        assertArrayEquals(new long[] {BTree.tid((int) v, 9)}, tree.lookup(family.apply(v)), "key " + v);
      }
      assertTrue(through > 300, "copies were made: " + through);
      assertTrue(tree.check().ok());
    }
  }

  /**
   * Writers insert new keys and publish how far they got; readers look up keys already
   * published (they must be found: the insert returned before the lookup started) and keys that
   * were there from the start, while copies are made, read and invalidated concurrently.
   */
  @Test
  void readersRacingWritersFindEveryCompletedInsert() throws Exception {
    for (int run = 0; run < 3; run++) {
      try (StorageEngine e = BTreeFixture.memory(8192)) {
        BTree tree = BTree.create(e.bufferPool(), e.wal(), BTreeFixture.REL);
        LongFunction<byte[]> family = FAMILIES.get(0);
        int writers = 3;
        long base = 1_000_000;
        for (long v = 0; v < 30_000; v++) {
          tree.insert(family.apply(v * 10), BTree.tid((int) v, 1));
        }
        AtomicLongArray done = new AtomicLongArray(writers);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int id = w;
          threads.add(new Thread(() -> {
            // keys spread over the whole tree: writer w, step i -> 10 * ((i * 7919) % 30000) + 1 + w
            for (int i = 0; i < 25_000 && failures.isEmpty(); i++) {
              long v = 10L * ((i * 7919L) % 30_000) + 1 + id;
              tree.insert(family.apply(v), BTree.tid((int) (base + i), 1 + id));
              done.set(id, i + 1);
            }
          }));
        }
        for (int r = 0; r < 3; r++) {
          long seed = r * 31L + run;
          threads.add(new Thread(() -> {
            Random rnd = new Random(seed);
            while (!stop.get() && failures.isEmpty()) {
              int w = rnd.nextInt(writers);
              long upto = done.get(w);
              if (upto > 0) {
                long i = rnd.nextInt((int) Math.min(upto, Integer.MAX_VALUE));
                long v = 10L * ((i * 7919L) % 30_000) + 1 + w;
                long[] got = tree.lookup(family.apply(v));
                if (got.length != 1 || got[0] != BTree.tid((int) (base + i), 1 + w)) {
                  failures.add("writer " + w + " step " + i + " (done " + upto + "): " + Arrays.toString(got));
                }
              }
              long old = 10L * rnd.nextInt(30_000);
              long[] got = tree.lookup(family.apply(old));
              if (got.length != 1 || got[0] != BTree.tid((int) (old / 10), 1)) {
                failures.add("old key " + old + ": " + Arrays.toString(got));
              }
            }
          }));
        }
        threads.forEach(Thread::start);
        for (int w = 0; w < writers; w++) {
          threads.get(w).join();
        }
        stop.set(true);
        for (Thread t : threads) {
          t.join();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " misses, e.g. " + failures.peek());
        assertTrue(tree.check().ok());
      }
    }
  }
}
