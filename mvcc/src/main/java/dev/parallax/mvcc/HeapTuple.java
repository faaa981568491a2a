package dev.parallax.mvcc;

/**
 * A row version copied out of its page: header and row data, plus where it lives. Safe to keep
 * after the page latch is released (the bytes are a private copy, possibly shared with other
 * tuples copied from the same page, which is why they are never exposed for writing).
 */
public final class HeapTuple {
  private final Tid tid;
  private final byte[] bytes;
  private final int off;
  private final int len;

  HeapTuple(Tid tid, byte[] bytes, int off, int len) {
    this.tid = tid;
    this.bytes = bytes;
    this.off = off;
    this.len = len;
  }

  public Tid tid() {
    return tid;
  }

  public long xmin() {
    return TupleHeader.xmin(bytes, off);
  }

  public long xmax() {
    return TupleHeader.xmax(bytes, off);
  }

  public int infomask() {
    return TupleHeader.infomask(bytes, off);
  }

  /** The next version's tid, or this tuple's own tid when it is the newest. */
  public Tid ctid() {
    return TupleHeader.ctid(bytes, off);
  }

  /** Every column, decoded with the given column types. */
  public Object[] values(ColumnType[] types) {
    return RowCodec.decode(types, bytes, off + TupleHeader.SIZE);
  }

  /** One column, decoded without decoding the others. */
  public Object value(ColumnType[] types, int column) {
    return RowCodec.decodeColumn(types, column, bytes, off + TupleHeader.SIZE);
  }

  /** Where column {@code column} starts in this tuple's bytes, or -1 if it is null (see {@link RowCodec#columnPosition}). */
  public int columnPosition(ColumnType[] types, int column) {
    return RowCodec.columnPosition(types, column, bytes, off + TupleHeader.SIZE);
  }

  /** The INTEGER / BIGINT / BOOLEAN value at a position from {@link #columnPosition}. */
  public long longAt(ColumnType type, int position) {
    return RowCodec.readLong(type, bytes, position);
  }

  /** The value at a position from {@link #columnPosition}. */
  public Object valueAt(ColumnType type, int position) {
    return RowCodec.readAt(type, bytes, position);
  }

  /** A copy of the row data (the part after the header). */
  public byte[] rowData() {
    byte[] out = new byte[len - TupleHeader.SIZE];
    System.arraycopy(bytes, off + TupleHeader.SIZE, out, 0, out.length);
    return out;
  }

  /** Size of the stored item, header included. */
  public int storedLength() {
    return len;
  }

  @Override
  public String toString() {
    return "HeapTuple" + tid + "[xmin=" + xmin() + ", xmax=" + xmax() + ", mask=0x"
        + Integer.toHexString(infomask()) + ", ctid=" + ctid() + "]";
  }
}
