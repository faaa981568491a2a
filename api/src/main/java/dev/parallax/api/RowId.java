package dev.parallax.api;

import dev.parallax.mvcc.Tid;

/**
 * The physical address of one row version (block, slot), like PostgreSQL's ctid. An update
 * creates a new version with a new row id; the old id then leads to the new one (under READ
 * COMMITTED an update or delete through an old id follows the chain to the newest version).
 */
public record RowId(int block, int slot) {
  static RowId of(Tid tid) {
    return new RowId(tid.block(), tid.slot());
  }

  Tid tid() {
    return new Tid(block, slot);
  }

  @Override
  public String toString() {
    return "(" + block + "," + slot + ")";
  }
}
