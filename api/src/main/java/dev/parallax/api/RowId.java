package dev.parallax.api;

import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;

/**
 * The address of one row version, like PostgreSQL's ctid, plus the id of the transaction that
 * wrote it. An update creates a new version with a new row id; under READ COMMITTED an update,
 * delete or lock through an old id follows the chain to the newest version. The writer id guards
 * against a stale id: once vacuum removes a version its slot can hold an unrelated row, and an id
 * whose writer does not match the slot's current version finds nothing instead of the wrong row.
 */
public record RowId(int block, int slot, long writer) {
  static RowId of(HeapTuple tuple) {
    return new RowId(tuple.tid().block(), tuple.tid().slot(), tuple.xmin());
  }

  static RowId of(Tid tid, long writer) {
    return new RowId(tid.block(), tid.slot(), writer);
  }

  Tid tid() {
    return new Tid(block, slot);
  }

  @Override
  public String toString() {
    return "(" + block + "," + slot + ")";
  }
}
