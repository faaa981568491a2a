package dev.parallax.executor.exec;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapTuple;

/**
 * A slot over a heap version: a column's position is found on first use and its value read from
 * the tuple's bytes (integer-like columns without boxing), so a qual over the first columns of a
 * wide row never decodes the rest. Rebound to the next version by the scan; a generation number
 * marks what belongs to the current version, so rebinding clears nothing.
 */
final class HeapSlot implements TupleSlot {
  private final ColumnType[] types;
  private final Object[] values;
  private final int[] positions;
  /** Generation in which positions[i] (and values[i], if valueGen matches) were filled. */
  private final int[] positionGen;
  private final int[] valueGen;
  private int generation;
  /** Bound to a copied-out version, or (streaming) to bytes of the scan's page buffer. */
  private HeapTuple tuple;
  private byte[] bytes;
  private int dataOffset;
  private int block;
  private int slot;

  HeapSlot(ColumnType[] types) {
    this.types = types;
    this.values = new Object[types.length];
    this.positions = new int[types.length];
    this.positionGen = new int[types.length];
    this.valueGen = new int[types.length];
  }

  void bind(HeapTuple t) {
    tuple = t;
    bytes = null;
    nextGeneration();
  }

  /** Binds to the version whose item starts at {@code itemOffset} of {@code page} (a streaming scan's buffer). */
  void bind(byte[] page, int itemOffset, int atBlock, int atSlot) {
    tuple = null;
    bytes = page;
    dataOffset = itemOffset + dev.parallax.mvcc.TupleHeader.SIZE;
    block = atBlock;
    slot = atSlot;
    nextGeneration();
  }

  private void nextGeneration() {
    if (generation == Integer.MAX_VALUE) { // wrapping: forget every stamp rather than trust an old one
      generation = 0;
      java.util.Arrays.fill(positionGen, 0);
      java.util.Arrays.fill(valueGen, 0);
    }
    generation++;
  }

  HeapTuple tuple() {
    return tuple;
  }

  private int position(int i) {
    if (positionGen[i] != generation) {
      positions[i] = tuple != null ? tuple.columnPosition(types, i)
          : dev.parallax.mvcc.RowCodec.columnPosition(types, i, bytes, dataOffset);
      positionGen[i] = generation;
    }
    return positions[i];
  }

  @Override
  public long rowIdentity() {
    return tuple != null ? dev.parallax.storage.btree.BTree.tid(tuple.tid().block(), tuple.tid().slot())
        : dev.parallax.storage.btree.BTree.tid(block, slot);
  }

  @Override
  public int columnCount() {
    return types.length;
  }

  @Override
  public boolean isNull(int i) {
    return position(i) < 0;
  }

  @Override
  public long getLong(int i) {
    int p = position(i);
    return tuple != null ? tuple.longAt(types[i], p) : dev.parallax.mvcc.RowCodec.readLong(types[i], bytes, p);
  }

  @Override
  public Object get(int i) {
    if (valueGen[i] != generation) {
      int p = position(i);
      values[i] = p < 0 ? null : tuple != null ? tuple.valueAt(types[i], p) : dev.parallax.mvcc.RowCodec.readAt(types[i], bytes, p);
      valueGen[i] = generation;
    }
    return values[i];
  }
}
