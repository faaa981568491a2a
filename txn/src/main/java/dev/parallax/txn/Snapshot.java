package dev.parallax.txn;

import java.util.Arrays;

/**
 * Which transactions' effects a statement sees: an immutable value, safe to share with workers.
 *
 * <p>Every transaction id below {@code xmin} had ended when the snapshot was taken; every id at
 * or above {@code xmax} had not started; between them, exactly the ids in {@code inProgress}
 * (top-level and sub-transaction ids, sorted) were running. A transaction's own changes are
 * decided by command id instead: those made by commands before {@code commandId} are seen.
 *
 * @param xmin lowest id that was still running (or {@code xmax} if none)
 * @param xmax first id not yet assigned
 * @param inProgress sorted ids running when the snapshot was taken (never the taker's own ids)
 * @param commandId the taker's command counter: its own changes with a lower command id are seen
 */
public record Snapshot(long xmin, long xmax, long[] inProgress, int commandId) {
  public Snapshot {
    if (xmin > xmax) {
      throw new IllegalArgumentException("xmin " + xmin + " > xmax " + xmax);
    }
  }

  /**
   * True if {@code xid} had not ended as far as this snapshot is concerned: its effects are
   * invisible even if it has committed since.
   */
  public boolean isRunning(long xid) {
    if (xid < xmin) {
      return false;
    }
    if (xid >= xmax) {
      return true;
    }
    return Arrays.binarySearch(inProgress, xid) >= 0;
  }

  /** The same snapshot at another command id (used as commands advance). */
  public Snapshot withCommandId(int cid) {
    return new Snapshot(xmin, xmax, inProgress, cid);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && s.xmin == xmin && s.xmax == xmax && s.commandId == commandId
        && Arrays.equals(s.inProgress, inProgress);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(xmin) * 31 + Long.hashCode(xmax) * 17 + Arrays.hashCode(inProgress) + commandId;
  }

  @Override
  public String toString() {
    return "Snapshot[xmin=" + xmin + ", xmax=" + xmax + ", inProgress=" + Arrays.toString(inProgress)
        + ", cid=" + commandId + "]";
  }
}
