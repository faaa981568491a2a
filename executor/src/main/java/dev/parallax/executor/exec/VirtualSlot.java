package dev.parallax.executor.exec;

/** A slot over an array of values that the producer fills in place (projections, aggregates, sorts). */
public final class VirtualSlot implements TupleSlot {
  final Object[] values;

  public VirtualSlot(int columns) {
    this.values = new Object[columns];
  }

  VirtualSlot(Object[] values) {
    this.values = values;
  }

  /** A slot holding a copy of {@code values}. */
  public static VirtualSlot of(Object... values) {
    return new VirtualSlot(values.clone());
  }

  @Override
  public int columnCount() {
    return values.length;
  }

  @Override
  public Object get(int i) {
    return values[i];
  }

  void set(int i, Object v) {
    values[i] = v;
  }
}
