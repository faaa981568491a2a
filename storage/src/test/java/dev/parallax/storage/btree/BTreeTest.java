package dev.parallax.storage.btree;

import static dev.parallax.storage.btree.BTreeFixture.REL;
import static dev.parallax.storage.btree.BTreeFixture.drain;
import static dev.parallax.storage.btree.BTreeFixture.expected;
import static dev.parallax.storage.btree.BTreeFixture.item;
import static dev.parallax.storage.btree.BTreeFixture.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.StorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single-threaded behaviour of the B+tree against a sorted reference set. */
class BTreeTest {
  private static void assertSameItems(List<byte[]> want, List<byte[]> got, String what) {
    assertEquals(want.size(), got.size(), what + ": number of entries");
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i), got.get(i), what + ": entry " + i);
    }
  }

  private static void assertMatchesModel(BTree tree, NavigableSet<byte[]> model, Random rnd, int pad) {
    assertSameItems(new ArrayList<>(model), drain(tree.scan(ScanBounds.ALL, true)), "forward scan");
    assertSameItems(new ArrayList<>(model.descendingSet()), drain(tree.scan(ScanBounds.ALL, false)), "backward scan");
    for (int i = 0; i < 60; i++) {
      ScanBounds b = BTreeFixture.randomBounds(rnd, 3000, pad);
      boolean forward = rnd.nextBoolean();
      assertSameItems(expected(model, b, forward), drain(tree.scan(b, forward)), "scan " + b + " forward=" + forward);
    }
    BTreeCheck.Report r = tree.check();
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(model.size(), r.leafEntries());
  }

  @Test
  void randomInsertsDeletesAndScansMatchASortedSet() {
    Random rnd = new Random(42);
    StorageEngine e = BTreeFixture.memory(4096);
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    NavigableSet<byte[]> model = BTreeFixture.model();
    int pad = 200;
    for (int round = 0; round < 6; round++) {
      for (int i = 0; i < 4000; i++) {
        long v = rnd.nextInt(3000) - 1500;
        long tid = BTree.tid(rnd.nextInt(1000), rnd.nextInt(200));
        tree.insert(key(v, pad), tid);
        model.add(item(key(v, pad), tid));
      }
      // delete about a third, the way vacuum does: by TID
      Set<Long> dead = new HashSet<>();
      for (byte[] it : model) {
        if (rnd.nextInt(3) == 0) {
          dead.add(BTreePage.decodeTid(it, it.length - 6));
        }
      }
      long removed = tree.bulkDelete(dead::contains);
      long before = model.size();
      model.removeIf(it -> dead.contains(BTreePage.decodeTid(it, it.length - 6)));
      assertEquals(before - model.size(), removed);
      assertMatchesModel(tree, model, rnd, pad);
    }
    assertTrue(tree.check().levels() >= 3, "the test should grow a tree of three levels or more");
    for (int i = 0; i < 300; i++) {
      long v = rnd.nextInt(3000) - 1500;
      byte[] k = key(v, pad);
      List<Long> want = new ArrayList<>();
      for (byte[] it : model.subSet(k, true, item(k, -1L >>> 16), true)) {
        want.add(BTreePage.decodeTid(it, it.length - 6));
      }
      long[] got = tree.lookup(k);
      assertEquals(want.size(), got.length, "lookup of " + v);
      for (int j = 0; j < got.length; j++) {
        assertEquals((long) want.get(j), got[j]);
      }
    }
  }

  @Test
  void ascendingLoadFillsPagesAndReopenSeesTheSameTree() {
    StorageEngine e = BTreeFixture.memory(4096);
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    for (int i = 0; i < 50_000; i++) {
      tree.insert(key(i, 0), BTree.tid(i, 1));
    }
    BTreeCheck.Report r = tree.check();
    assertTrue(r.ok(), r.problems().toString());
    // 14-byte items: about 460 fit on a page; the 90% rule for appends keeps leaves well filled.
    assertTrue(r.pages() < 50_000 / 350, "pages: " + r.pages());
    BTree again = BTree.open(e.bufferPool(), e.wal(), REL);
    assertEquals(50_000, drain(again.scan(ScanBounds.ALL, true)).size());
    assertArrayEquals(new long[] {BTree.tid(777, 1)}, again.lookup(key(777, 0)));
  }

  @Test
  void duplicateKeysAcrossManyPagesAreAllFound() {
    StorageEngine e = BTreeFixture.memory(1024);
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    byte[] k = key(5, 100);
    Random rnd = new Random(7);
    Set<Long> tids = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      tree.insert(key(rnd.nextInt(10), 100), BTree.tid(100_000 + i, 0));
      long tid = BTree.tid(rnd.nextInt(50_000), rnd.nextInt(100));
      tree.insert(k, tid);
      tids.add(tid);
    }
    long[] got = tree.lookup(k);
    Set<Long> seen = new HashSet<>();
    for (long t : got) {
      seen.add(t);
    }
    assertTrue(seen.containsAll(tids));
    // and the same via a prefix scan in both directions
    assertEquals(got.length, drain(tree.scan(ScanBounds.prefix(k), true)).size());
    assertEquals(got.length, drain(tree.scan(ScanBounds.prefix(k), false)).size());
    assertTrue(tree.check().ok());
  }

  @Test
  void reinsertingAnEntryIsANoOpAndOversizedKeysAreRefused() {
    StorageEngine e = BTreeFixture.memory(64);
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    tree.insert(key(1, 0), BTree.tid(1, 1));
    tree.insert(key(1, 0), BTree.tid(1, 1));
    assertEquals(1, tree.lookup(key(1, 0)).length);
    DatabaseException x = assertThrows(DatabaseException.class,
        () -> tree.insert(new byte[BTree.maxKeySize() + 1], BTree.tid(1, 2)));
    assertEquals(SqlState.PROGRAM_LIMIT_EXCEEDED, x.sqlState());
    tree.insert(new byte[BTree.maxKeySize()], BTree.tid(1, 3));
    assertTrue(tree.check().ok());
  }

  @Test
  void uniqueInsertConsultsTheCheckForEveryEntryWithTheKey() {
    StorageEngine e = BTreeFixture.memory(256);
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    tree.insert(key(9, 0), BTree.tid(1, 1));
    tree.insert(key(9, 0), BTree.tid(1, 2));
    tree.insert(key(10, 0), BTree.tid(1, 3));
    List<Long> asked = new ArrayList<>();
    assertEquals(BTree.NO_CONFLICT, tree.insertUnique(key(9, 0), BTree.tid(2, 1), t -> {
      asked.add(t);
      return BTree.NO_CONFLICT;
    }));
    assertEquals(List.of(BTree.tid(1, 1), BTree.tid(1, 2)), asked);
    assertEquals(3, tree.lookup(key(9, 0)).length);
    assertEquals(BTree.CONFLICT, tree.insertUnique(key(10, 0), BTree.tid(2, 2), t -> BTree.CONFLICT));
    assertEquals(77L, tree.insertUnique(key(10, 0), BTree.tid(2, 3), t -> 77L));
    assertEquals(1, tree.lookup(key(10, 0)).length, "nothing inserted on conflict or wait");
    assertEquals(BTree.NO_CONFLICT, tree.insertUnique(key(11, 0), BTree.tid(2, 4), t -> BTree.CONFLICT));
  }

  @Test
  void bottomUpBuildMatchesInsertsAndTakesLaterChanges() {
    Random rnd = new Random(3);
    NavigableSet<byte[]> model = BTreeFixture.model();
    for (int i = 0; i < 30_000; i++) {
      model.add(item(key(rnd.nextInt(3000) - 1500, 20), BTree.tid(rnd.nextInt(5000), rnd.nextInt(50))));
    }
    StorageEngine e = BTreeFixture.memory(4096);
    Iterator<byte[]> it = model.iterator();
    BTree tree = BTree.build(e.bufferPool(), e.wal(), REL, new BTreeBuild.SortedEntries() {
      byte[] cur;

      @Override
      public boolean next() {
        cur = it.hasNext() ? it.next() : null;
        return cur != null;
      }

      @Override
      public byte[] key() {
        return Arrays.copyOf(cur, cur.length - 6);
      }

      @Override
      public long tid() {
        return BTreePage.decodeTid(cur, cur.length - 6);
      }
    });
    assertMatchesModel(tree, model, rnd, 20);
    for (int i = 0; i < 5000; i++) {
      byte[] k = key(rnd.nextInt(3000) - 1500, 20);
      long tid = BTree.tid(6000 + rnd.nextInt(5000), rnd.nextInt(50));
      tree.insert(k, tid);
      model.add(item(k, tid));
    }
    assertMatchesModel(tree, model, rnd, 20);
  }

  @Test
  void emptyTreeScansNothing() {
    StorageEngine e = BTreeFixture.memory(64);
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    assertFalse(tree.scan(ScanBounds.ALL, true).next());
    assertFalse(tree.scan(ScanBounds.ALL, false).next());
    assertEquals(0, tree.lookup(key(1, 0)).length);
    assertTrue(tree.check().ok());
  }

  @Test
  void boundsFollowThePrefixRules() {
    byte[] ab = {1, 2};
    ScanBounds upperIncl = new ScanBounds(null, true, ab, true);
    assertTrue(upperIncl.belowUpper(new byte[] {1, 2, 9, 9}, 0, 4), "extension of an inclusive upper prefix");
    assertTrue(upperIncl.belowUpper(new byte[] {1, 1, (byte) 0xFF}, 0, 3));
    assertFalse(upperIncl.belowUpper(new byte[] {1, 3}, 0, 2));
    ScanBounds upperExcl = new ScanBounds(null, true, ab, false);
    assertFalse(upperExcl.belowUpper(new byte[] {1, 2, 0}, 0, 3), "extension of an exclusive upper prefix");
    assertTrue(upperExcl.belowUpper(new byte[] {1, 1, 7}, 0, 3));
    ScanBounds lowerExcl = new ScanBounds(ab, false, null, true);
    assertFalse(lowerExcl.aboveLower(new byte[] {1, 2, 5}), "extension of an exclusive lower prefix");
    assertTrue(lowerExcl.aboveLower(new byte[] {1, 3}));
    ScanBounds lowerIncl = new ScanBounds(ab, true, null, true);
    assertTrue(lowerIncl.aboveLower(new byte[] {1, 2, 0}));
    assertFalse(lowerIncl.aboveLower(new byte[] {1, 1, (byte) 0xFF}));
    assertArrayEquals(new byte[] {1, 3}, upperIncl.backwardStart());
    assertArrayEquals(new byte[] {2}, new ScanBounds(null, true, new byte[] {1, (byte) 0xFF}, true).backwardStart());
    assertEquals(null, new ScanBounds(null, true, new byte[] {(byte) 0xFF}, true).backwardStart());
  }
}
