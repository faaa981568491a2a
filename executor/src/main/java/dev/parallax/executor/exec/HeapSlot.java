package dev.parallax.executor.exec;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapTuple;

/**
 * A slot over a heap version: columns are decoded on first use and cached, so a qual over the
 * first column of a wide row never decodes the rest. Rebound to the next version by the scan.
 */
final class HeapSlot implements TupleSlot {
  private final ColumnType[] types;
  private final Object[] values;
  private final boolean[] decoded;
  private HeapTuple tuple;

  HeapSlot(ColumnType[] types) {
    this.types = types;
    this.values = new Object[types.length];
    this.decoded = new boolean[types.length];
  }

  void bind(HeapTuple t) {
    tuple = t;
    java.util.Arrays.fill(decoded, false);
  }

  HeapTuple tuple() {
    return tuple;
  }

  @Override
  public long rowIdentity() {
    return dev.parallax.storage.btree.BTree.tid(tuple.tid().block(), tuple.tid().slot());
  }

  @Override
  public int columnCount() {
    return types.length;
  }

  @Override
  public Object get(int i) {
    if (!decoded[i]) {
      values[i] = tuple.value(types, i);
      decoded[i] = true;
    }
    return values[i];
  }
}
