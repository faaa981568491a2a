package dev.parallax.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Combo command ids: a tuple header has room for one command id, but a transaction that deletes
 * (or updates) a row version it inserted itself needs both the inserting command (cmin) and the
 * deleting one (cmax) to answer visibility at every command id. Such a pair is replaced by one
 * combo id, an index into this per-transaction table, and the tuple is flagged as carrying a combo
 * id. Only the inserting transaction ever needs to decode it: to every other transaction the row
 * is either not yet committed or committed-and-deleted, and command ids do not matter.
 *
 * <p>The table lives as long as the top-level transaction. Parallel workers receive a copy
 * ({@link #export()} / {@link #importFrom}) so that they decode the leader's combo ids the same
 * way; workers never create new ones (they cannot write).
 *
 * <p>Not thread-safe: one transaction, one thread (a worker has its own imported copy).
 */
public final class ComboCommandIds {
  private final List<long[]> pairs = new ArrayList<>();
  /** Made on the first combo id: most transactions (every autocommit read) never need one. */
  private Map<Long, Integer> index;

  /** The combo id for (cmin, cmax), creating it if new. */
  public int combine(int cmin, int cmax) {
    long key = pack(cmin, cmax);
    if (index == null) {
      index = new HashMap<>();
    }
    Integer existing = index.get(key);
    if (existing != null) {
      return existing;
    }
    int id = pairs.size();
    pairs.add(new long[] {cmin, cmax});
    index.put(key, id);
    return id;
  }

  public int cmin(int comboId) {
    return (int) entry(comboId)[0];
  }

  public int cmax(int comboId) {
    return (int) entry(comboId)[1];
  }

  public int size() {
    return pairs.size();
  }

  private long[] entry(int comboId) {
    if (comboId < 0 || comboId >= pairs.size()) {
      throw new IllegalStateException("unknown combo command id " + comboId);
    }
    return pairs.get(comboId);
  }

  /** The table as a flat array {cmin0, cmax0, cmin1, cmax1, ...}: the form shipped to workers. */
  public int[] export() {
    int[] out = new int[pairs.size() * 2];
    for (int i = 0; i < pairs.size(); i++) {
      out[2 * i] = (int) pairs.get(i)[0];
      out[2 * i + 1] = (int) pairs.get(i)[1];
    }
    return out;
  }

  /** Rebuilds a table from {@link #export()}; combo ids keep their numbers. */
  public static ComboCommandIds importFrom(int[] exported) {
    if (exported.length % 2 != 0) {
      throw new IllegalArgumentException("odd combo command id export " + Arrays.toString(exported));
    }
    ComboCommandIds table = new ComboCommandIds();
    for (int i = 0; i < exported.length; i += 2) {
      table.combine(exported[i], exported[i + 1]);
    }
    return table;
  }

  private static long pack(int cmin, int cmax) {
    return ((long) cmin << 32) | (cmax & 0xFFFFFFFFL);
  }
}
