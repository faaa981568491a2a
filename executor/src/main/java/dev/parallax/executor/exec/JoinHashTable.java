package dev.parallax.executor.exec;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The in-memory part of a hash join: the inner rows of the batch being joined, chained by hash
 * into a power-of-two array of buckets (PostgreSQL's layout, one entry per bucket on average).
 * Entries live in parallel arrays (hash, next-in-chain, row, key, matched), so adding a row
 * allocates nothing beyond the row itself and probing allocates nothing at all; this replaced a
 * {@code HashMap<List<Object>, List<Integer>>} that boxed a key list per probe and an index per
 * row. The caller compares keys ({@link #key} is the normalised key, or the row itself when the
 * key columns need no normalising) and only rows whose hashes are equal are offered.
 *
 * <p>An entry whose key is null (a RIGHT or FULL join keeps inner rows with a null key, to be
 * returned unmatched) is stored but not chained, so no probe can find it.
 */
final class JoinHashTable {
  /** Bytes an entry costs besides its row and key: hash, chain and matched in the arrays, two references. */
  static final int ENTRY_BYTES = 17;
  private int[] buckets;
  private final int originalBuckets;
  private int[] chain;
  private int[] hashes;
  private Object[][] rows;
  private Object[][] keys;
  private boolean[] matched;
  private int size;
  private long rowBytes;

  JoinHashTable(int bucketCount) {
    int n = Integer.highestOneBit(Math.max(1024, Math.min(bucketCount, 1 << 28)) - 1) << 1;
    buckets = new int[n];
    originalBuckets = n;
    chain = new int[64];
    hashes = new int[64];
    rows = new Object[64][];
    keys = new Object[64][];
    matched = new boolean[64];
  }

  int size() {
    return size;
  }

  int buckets() {
    return buckets.length;
  }

  int originalBuckets() {
    return originalBuckets;
  }

  /** What the table holds, as counted against the memory limit. */
  long bytes() {
    return rowBytes + (long) ENTRY_BYTES * size + 4L * buckets.length;
  }

  /** Adds a row; {@code key} null means it can never be found; {@code bytes} is what the row and key cost. */
  void add(int hash, Object[] row, Object[] key, long bytes) {
    if (size == rows.length) {
      int n = size * 2;
      chain = Arrays.copyOf(chain, n);
      hashes = Arrays.copyOf(hashes, n);
      rows = Arrays.copyOf(rows, n);
      keys = Arrays.copyOf(keys, n);
      matched = Arrays.copyOf(matched, n);
    }
    int i = size++;
    hashes[i] = hash;
    rows[i] = row;
    keys[i] = key;
    matched[i] = false;
    rowBytes += bytes;
    if (key != null) {
      link(i);
    }
    if (size > buckets.length && buckets.length < 1 << 28) {
      buckets = new int[buckets.length * 2];
      relink();
    }
  }

  private void link(int i) {
    int b = hashes[i] & (buckets.length - 1);
    chain[i] = buckets[b];
    buckets[b] = i + 1;
  }

  private void relink() {
    Arrays.fill(buckets, 0);
    for (int i = 0; i < size; i++) {
      if (keys[i] != null) {
        link(i);
      }
    }
  }

  /** The first entry with this hash, or -1. */
  int first(int hash) {
    return scan(buckets[hash & (buckets.length - 1)] - 1, hash);
  }

  /** The entry after {@code i} in its chain with this hash, or -1. */
  int following(int i, int hash) {
    return scan(chain[i] - 1, hash);
  }

  private int scan(int i, int hash) {
    while (i >= 0 && hashes[i] != hash) {
      i = chain[i] - 1;
    }
    return i;
  }

  int hash(int i) {
    return hashes[i];
  }

  Object[] row(int i) {
    return rows[i];
  }

  Object[] key(int i) {
    return keys[i];
  }

  void mark(int i) {
    matched[i] = true;
  }

  boolean matched(int i) {
    return matched[i];
  }

  void clearMatched() {
    Arrays.fill(matched, 0, size, false);
  }

  /** Receives an entry leaving the table. */
  interface Mover {
    void move(int hash, Object[] row);
  }

  /**
   * Keeps the entries whose hash passes {@code stays} and hands the others to {@code mover}, in
   * order; returns how many left. {@code bytesOf(i)} must be what {@link #add} was given for entry i.
   */
  int retain(IntPredicate stays, Mover mover, java.util.function.IntToLongFunction bytesOf) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (stays.test(hashes[i])) {
        hashes[kept] = hashes[i];
        rows[kept] = rows[i];
        keys[kept] = keys[i];
        matched[kept] = matched[i];
        kept++;
      } else {
        rowBytes -= bytesOf.applyAsLong(i);
        mover.move(hashes[i], rows[i]);
      }
    }
    int moved = size - kept;
    Arrays.fill(rows, kept, size, null);
    Arrays.fill(keys, kept, size, null);
    size = kept;
    relink();
    return moved;
  }

  /** Empties the table for the next batch (the bucket array stays as large as it grew). */
  void clear() {
    Arrays.fill(rows, 0, size, null);
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(buckets, 0);
    size = 0;
    rowBytes = 0;
  }

  /** A murmur3 finaliser: spreads a Java hash code over all 32 bits (Integer keys hash to themselves). */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
