package dev.parallax.storage.btree;

import dev.parallax.storage.PageId;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;

/** Keys, a reference model and helpers shared by the B+tree tests. */
final class BTreeFixture {
  private BTreeFixture() {}

  static final int REL = PageId.FIRST_USER_RELATION + 7;
  static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

  static StorageEngine memory(int frames) {
    StorageEngine e = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(frames));
    BTree.registerRedo(e);
    e.recover();
    return e;
  }

  /** An order-preserving key for {@code v}, padded with {@code pad} bytes derived from it. */
  static byte[] key(long v, int pad) {
    byte[] k = new byte[8 + pad];
    long x = v ^ Long.MIN_VALUE;
    for (int i = 0; i < 8; i++) {
      k[i] = (byte) (x >>> (56 - 8 * i));
    }
    for (int i = 0; i < pad; i++) {
      k[8 + i] = (byte) (v * 31 + i);
    }
    return k;
  }

  static byte[] item(byte[] key, long tid) {
    return BTreePage.leafItem(key, tid);
  }

  static NavigableSet<byte[]> model() {
    return new TreeSet<>(UNSIGNED);
  }

  /** Every (key || tid) item the cursor returns, in its order. */
  static List<byte[]> drain(BTreeCursor c) {
    List<byte[]> out = new ArrayList<>();
    while (c.next()) {
      out.add(item(c.key(), c.tid()));
    }
    return out;
  }

  /** What a scan with these bounds must return, computed from the model by the bound rules. */
  static List<byte[]> expected(NavigableSet<byte[]> model, ScanBounds b, boolean forward) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] it : forward ? model : model.descendingSet()) {
      if (b.aboveLower(it, 0, it.length) && b.belowUpper(it, 0, it.length)) {
        out.add(it);
      }
    }
    return out;
  }

  static ScanBounds randomBounds(Random rnd, long range, int pad) {
    byte[] lo = rnd.nextInt(5) == 0 ? null : prefixOf(key(rnd.nextLong() % range, pad), rnd);
    byte[] hi = rnd.nextInt(5) == 0 ? null : prefixOf(key(rnd.nextLong() % range, pad), rnd);
    return new ScanBounds(lo, rnd.nextBoolean(), hi, rnd.nextBoolean());
  }

  private static byte[] prefixOf(byte[] k, Random rnd) {
    return rnd.nextInt(3) == 0 ? Arrays.copyOf(k, 1 + rnd.nextInt(k.length)) : k;
  }
}
