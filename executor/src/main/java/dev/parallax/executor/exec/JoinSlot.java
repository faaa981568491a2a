package dev.parallax.executor.exec;

/** The outer row's columns followed by the inner row's, without copying; a null side reads as nulls. */
final class JoinSlot implements TupleSlot {
  private final int outerWidth;
  private final int innerWidth;
  private TupleSlot outer;
  private TupleSlot inner;

  JoinSlot(int outerWidth, int innerWidth) {
    this.outerWidth = outerWidth;
    this.innerWidth = innerWidth;
  }

  JoinSlot bind(TupleSlot outerRow, TupleSlot innerRow) {
    outer = outerRow;
    inner = innerRow;
    return this;
  }

  @Override
  public int columnCount() {
    return outerWidth + innerWidth;
  }

  @Override
  public Object get(int i) {
    if (i < outerWidth) {
      return outer == null ? null : outer.get(i);
    }
    return inner == null ? null : inner.get(i - outerWidth);
  }
}
