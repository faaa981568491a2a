package dev.parallax.mvcc;

import java.util.Arrays;
import java.util.Collection;

/**
 * An immutable sorted set of tuple ids, handed by vacuum to {@link IndexVacuum}: the dead line
 * pointers whose index entries must go.
 *
 * <p>Stored as one sorted {@code long[]} of {@code block << 16 | slot} (a slot number is below
 * 2^11 on an 8 KiB page, so 16 bits are plenty), 8 bytes a tid with no per-element objects:
 * a million dead tids take 8 MiB. {@link #contains(int, int)} is a binary search, which the index
 * vacuum calls once per index entry it visits (about 20 probes for a million tids). A
 * {@code HashSet<Tid>} was rejected: an object and a table entry per tid, several times the
 * memory of the array (not measured here; the array is the simple, compact choice).
 */
public final class DeadTids {
  private static final DeadTids EMPTY = new DeadTids(new long[0]);

  /** Sorted ascending, no duplicates. */
  private final long[] keys;

  private DeadTids(long[] keys) {
    this.keys = keys;
  }

  static long key(int block, int slot) {
    return (long) block << 16 | slot;
  }

  /** The set of the given tids (any order, duplicates allowed). */
  public static DeadTids of(Collection<Tid> tids) {
    long[] k = new long[tids.size()];
    int i = 0;
    for (Tid t : tids) {
      if (!t.isValid()) {
        throw new IllegalArgumentException("not a tuple id: " + t);
      }
      k[i++] = key(t.block(), t.slot());
    }
    Arrays.sort(k);
    return new DeadTids(dedupe(k));
  }

  public static DeadTids empty() {
    return EMPTY;
  }

  /** Takes the first {@code n} keys of {@code sorted}, which vacuum produced in ascending order. */
  static DeadTids ofSorted(long[] sorted, int n) {
    long[] k = Arrays.copyOf(sorted, n);
    for (int i = 1; i < n; i++) {
      if (k[i - 1] >= k[i]) {
        throw new IllegalArgumentException("dead tids out of order at " + i);
      }
    }
    return new DeadTids(k);
  }

  private static long[] dedupe(long[] sorted) {
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (n == 0 || sorted[n - 1] != sorted[i]) {
        sorted[n++] = sorted[i];
      }
    }
    return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
  }

  public boolean contains(int block, int slot) {
    if (block < 0 || slot < 0 || slot > 0xFFFF) {
      return false;
    }
    return Arrays.binarySearch(keys, key(block, slot)) >= 0;
  }

  public boolean contains(Tid tid) {
    return contains(tid.block(), tid.slot());
  }

  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  /** The i-th tid in ascending (block, slot) order. */
  public Tid get(int i) {
    return new Tid(block(i), slot(i));
  }

  int block(int i) {
    return (int) (keys[i] >>> 16);
  }

  int slot(int i) {
    return (int) (keys[i] & 0xFFFF);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("DeadTids[").append(keys.length).append(':');
    for (int i = 0; i < Math.min(keys.length, 8); i++) {
      b.append(' ').append(get(i));
    }
    return b.append(keys.length > 8 ? " ...]" : "]").toString();
  }
}
