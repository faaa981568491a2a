package dev.parallax.txn;

/** Special transaction ids. Ids are 64-bit and never wrap; normal ids start at {@link #FIRST_NORMAL}. */
public final class Xids {
  private Xids() {}

  /** No transaction (an unset xmax, a read-only transaction's top id). */
  public static final long INVALID = 0;
  /** Written by bootstrap (catalog creation); always committed. */
  public static final long BOOTSTRAP = 1;
  /** A frozen xmin: committed and older than every snapshot; the commit log is not consulted. */
  public static final long FROZEN = 2;
  public static final long FIRST_NORMAL = 3;

  public static boolean isNormal(long xid) {
    return xid >= FIRST_NORMAL;
  }
}
