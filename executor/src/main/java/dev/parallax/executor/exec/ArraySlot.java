package dev.parallax.executor.exec;

/** A slot that points at one array of values at a time, re-pointed without allocating. */
final class ArraySlot implements TupleSlot {
  private final int width;
  private Object[] values;

  ArraySlot(int width) {
    this.width = width;
  }

  ArraySlot bind(Object[] row) {
    values = row;
    return this;
  }

  @Override
  public int columnCount() {
    return width;
  }

  @Override
  public Object get(int i) {
    return values[i];
  }

  @Override
  public Object[] toArray() {
    return values.clone();
  }
}
