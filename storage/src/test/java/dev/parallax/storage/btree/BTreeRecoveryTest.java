package dev.parallax.storage.btree;

import static dev.parallax.storage.btree.BTreeFixture.REL;
import static dev.parallax.storage.btree.BTreeFixture.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageId;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import dev.parallax.storage.StorageTesting;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery of trees on disk: replay through a buffer pool much smaller than the tree
 * rebuilds every page the flushed log describes (splits, new roots, deletions); and a split left
 * incomplete by a crash (the right half has no downlink) is still searchable and is finished by
 * the next writer that meets it.
 */
class BTreeRecoveryTest {
  private static final StorageSettings SETTINGS =
      StorageSettings.defaults().withBufferPoolPages(64).withCheckpointIntervalMillis(0);

  @TempDir Path dir;

  private StorageEngine open() {
    StorageEngine e = StorageEngine.open(dir, SETTINGS);
    BTree.registerRedo(e);
    e.recover();
    return e;
  }

  @Test
  void replayRebuildsTheTreeAfterACrash() {
    StorageEngine e = open();
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    Random rnd = new Random(5);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      tree.insert(key(rnd.nextInt(1_000_000), 30), BTree.tid(i, 1));
      if (i == n / 2) {
        e.checkpoint(); // replay then starts here and must repair pages from their first images
      }
    }
    tree.bulkDelete(tid -> BTree.tidBlock(tid) % 10 == 0);
    e.wal().flush(e.wal().insertPosition());
    StorageTesting.crash(e);

    StorageEngine again = open();
    BTree reopened = BTree.open(again.bufferPool(), again.wal(), REL);
    BTreeCheck.Report r = reopened.check();
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(n - n / 10, r.leafEntries());
    rnd = new Random(5);
    for (int i = 0; i < n; i++) {
      long[] tids = reopened.lookup(key(rnd.nextInt(1_000_000), 30));
      boolean want = i % 10 != 0;
      boolean found = false;
      for (long t : tids) {
        found |= t == BTree.tid(i, 1);
      }
      assertEquals(want, found, "entry " + i);
    }
    again.close();
  }

  @Test
  void recoveryNamesTheSplitsItLeftIncompleteAndTheyCanBeFinishedThen() {
    StorageEngine e = open();
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    for (int i = 0; i < 300; i++) {
      tree.insert(key(i, 100), BTree.tid(i, 1));
    }
    // a crash between a split record and its downlink record: replay the split, not the downlink
    int leaf;
    try (Buffer b = e.bufferPool().pin(new PageId(REL, (int) (tree.root() & 0xFFFFFFFFL)))) {
      b.latchShared();
      try {
        leaf = BTreePage.child(b.data(), BTreePage.count(b.data()) - 1); // the rightmost leaf
      } finally {
        b.unlatch();
      }
    }
    byte[] left;
    byte[] right = new byte[SlottedPage.PAGE_SIZE];
    int rightBlock;
    try (Buffer lb = e.bufferPool().pin(new PageId(REL, leaf)); Buffer rb = e.bufferPool().extend(REL)) {
      lb.latchExclusive();
      rb.latchExclusive();
      try {
        // move the page's upper half to a new right sibling, as a split does, and log only that
        byte[] p = lb.data();
        rightBlock = rb.id().block();
        int n = BTreePage.count(p);
        int k = BTreePage.firstData(p) + (n - BTreePage.firstData(p)) / 2;
        BTreePage.init(right, true, 0, BTreePage.rightLink(p));
        for (int s = k; s < n; s++) {
          byte[] it = BTreePage.item(p, s);
          SlottedPage.insertOrdered(right, s - k, it, 0, it.length);
        }
        byte[] sep = BTreePage.item(p, k);
        left = new byte[SlottedPage.PAGE_SIZE];
        BTreePage.init(left, true, 0, rightBlock);
        BTreePage.setIncompleteSplit(left, true);
        SlottedPage.insertOrdered(left, 0, sep, 0, sep.length);
        for (int s = BTreePage.firstData(p); s < k; s++) {
          byte[] it = BTreePage.item(p, s);
          SlottedPage.insertOrdered(left, s - BTreePage.firstData(p) + 1, it, 0, it.length);
        }
        System.arraycopy(left, 12, p, 12, SlottedPage.PAGE_SIZE - 12);
        System.arraycopy(right, 12, rb.data(), 12, SlottedPage.PAGE_SIZE - 12);
        e.wal().logPageChange(new Buffer[] {lb, rb}, ResourceManagers.BTREE, BTreeRecords.SPLIT, 0,
            BTreeRecords.images(p, rb.data()));
      } finally {
        rb.unlatch();
        lb.unlatch();
      }
    }
    e.wal().flush(e.wal().insertPosition());
    StorageTesting.crash(e);

    StorageEngine again = StorageEngine.open(dir, SETTINGS);
    BTreeRedo redo = BTree.registerRedo(again);
    again.recover();
    assertEquals(java.util.Set.of(new PageId(REL, leaf)), redo.incompleteSplits());
    BTree reopened = BTree.open(again.bufferPool(), again.wal(), REL);
    assertEquals(1, reopened.check().incompleteSplits());
    assertTrue(reopened.finishIncompleteSplit(leaf));
    assertFalse(reopened.finishIncompleteSplit(leaf), "finished once");
    BTreeCheck.Report r = reopened.check();
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(0, r.incompleteSplits());
    assertEquals(300, r.leafEntries());
    for (int i = 0; i < 300; i++) {
      assertArrayEquals(new long[] {BTree.tid(i, 1)}, reopened.lookup(key(i, 100)), "key " + i);
    }
    again.close();
  }

  @Test
  void anIncompleteSplitSurvivesACrashAndIsFinishedByTheNextWriter() {
    StorageEngine e = open();
    BTree tree = BTree.create(e.bufferPool(), e.wal(), REL);
    for (int i = 0; i < 400; i++) {
      tree.insert(key(i, 100), BTree.tid(i, 1));
    }
    // the root is an internal page over a few leaves; take away the downlink of its second child
    // and flag the first as split-incomplete, as a crash between the two records would leave it
    long root = tree.root();
    int rootBlock = (int) root;
    assertEquals(1, (int) (root >>> 32));
    int leftLeaf;
    try (Buffer rb = e.bufferPool().pin(new PageId(REL, rootBlock))) {
      rb.latchExclusive();
      try {
        byte[] p = rb.data();
        leftLeaf = BTreePage.child(p, BTreePage.firstData(p));
        SlottedPage.deleteOrdered(p, BTreePage.firstData(p) + 1);
        SlottedPage.compact(p);
        e.wal().logPageChange(rb, ResourceManagers.BTREE, BTreeRecords.IMAGE, 0, BTreeRecords.images(p));
      } finally {
        rb.unlatch();
      }
    }
    try (Buffer lb = e.bufferPool().pin(new PageId(REL, leftLeaf))) {
      lb.latchExclusive();
      try {
        BTreePage.setIncompleteSplit(lb.data(), true);
        e.wal().logPageChange(lb, ResourceManagers.BTREE, BTreeRecords.IMAGE, 0, BTreeRecords.images(lb.data()));
      } finally {
        lb.unlatch();
      }
    }
    e.wal().flush(e.wal().insertPosition());
    StorageTesting.crash(e);

    StorageEngine again = open();
    BTree reopened = BTree.open(again.bufferPool(), again.wal(), REL);
    BTreeCheck.Report before = reopened.check();
    assertTrue(before.ok(), before.problems().toString());
    assertEquals(1, before.incompleteSplits());
    // three rounds: the later ones go through search copies (made by the first), so the copy of
    // the flagged page must send keys past its high key to the right sibling, as latched reads do
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 400; i++) {
        assertArrayEquals(new long[] {BTree.tid(i, 1)}, reopened.lookup(key(i, 100)), "key " + i);
      }
    }
    // a key in the right half's range: the descent reaches it only through the flagged page
    byte[] highKey;
    try (Buffer lb = again.bufferPool().pin(new PageId(REL, leftLeaf))) {
      lb.latchShared();
      try {
        highKey = BTreePage.key(lb.data(), 0);
      } finally {
        lb.unlatch();
      }
    }
    reopened.insert(java.util.Arrays.copyOf(highKey, highKey.length - BTreePage.TID_SIZE), BTree.tid(1_000, 1));
    BTreeCheck.Report after = reopened.check();
    assertTrue(after.ok(), after.problems().toString());
    assertEquals(0, after.incompleteSplits());
    assertEquals(401, after.leafEntries());
    again.close();
  }
}
