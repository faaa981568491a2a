package dev.parallax.executor.exec;

/**
 * A row as the executor passes it between nodes. Accessors by column index; a slot may extract
 * its columns lazily (a heap slot decodes a stored row only as far as the columns asked for).
 * A slot handed out by {@code next()} is valid until the next call on the same node.
 */
public interface TupleSlot {
  int columnCount();

  /** Column {@code i} as its Java value (see {@code ColumnType}), or null. */
  Object get(int i);

  default boolean isNull(int i) {
    return get(i) == null;
  }

  /** Column {@code i} of an INTEGER, BIGINT or BOOLEAN (1 / 0) column; undefined when null. */
  default long getLong(int i) {
    Object v = get(i);
    return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
  }

  default double getDouble(int i) {
    return ((Number) get(i)).doubleValue();
  }

  /** The packed TID of the heap version this row is, or -1 if it is not one. */
  default long rowIdentity() {
    return -1;
  }

  /** A copy of every column. */
  default Object[] toArray() {
    Object[] out = new Object[columnCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i);
    }
    return out;
  }
}
