package dev.parallax.mvcc;

/**
 * The outcome of an update, delete or row lock (and of {@link HeapVisibility#satisfiesUpdate}).
 * The heap never waits for another transaction: it reports what it found and the caller decides
 * (wait and retry, follow the chain, raise a serialization failure, or skip the row).
 *
 * @param code what happened
 * @param newTid for an OK update, where the new version went; otherwise {@link Tid#INVALID}
 * @param conflictingXid for BEING_MODIFIED, UPDATED, DELETED, SELF_MODIFIED: the xmax found
 * @param newCtid for UPDATED, the newer version's tid (its xmin equals {@code conflictingXid})
 * @param heapOnly for an OK update: the new version is heap-only (a HOT update), so it must get no
 *     index entries (the entries of its chain's root lead to it)
 */
public record HeapResult(Code code, Tid newTid, long conflictingXid, Tid newCtid, boolean heapOnly) {
  public HeapResult(Code code, Tid newTid, long conflictingXid, Tid newCtid) {
    this(code, newTid, conflictingXid, newCtid, false);
  }

  public enum Code {
    /** Done (or, from a visibility check: the version may be changed). */
    OK,
    /** The version is not visible to the current command: nothing to change. */
    INVISIBLE,
    /** Already changed by this transaction, at this or a later command: skip it. */
    SELF_MODIFIED,
    /** A committed transaction replaced it with the version at {@code newCtid}. */
    UPDATED,
    /** A committed transaction deleted it. */
    DELETED,
    /** A transaction still running deleted, updated or locked it: wait for it, then retry. */
    BEING_MODIFIED
  }

  static final HeapResult OK = new HeapResult(Code.OK, Tid.INVALID, 0, Tid.INVALID);
  /** "No version to change here" (also what a caller returns to skip a row). */
  public static final HeapResult INVISIBLE = new HeapResult(Code.INVISIBLE, Tid.INVALID, 0, Tid.INVALID);

  static HeapResult of(Code code, long xid) {
    return new HeapResult(code, Tid.INVALID, xid, Tid.INVALID);
  }

  static HeapResult updated(long xid, Tid newer) {
    return new HeapResult(Code.UPDATED, Tid.INVALID, xid, newer);
  }

  static HeapResult done(Tid newTid) {
    return new HeapResult(Code.OK, newTid, 0, Tid.INVALID);
  }

  static HeapResult doneHeapOnly(Tid newTid) {
    return new HeapResult(Code.OK, newTid, 0, Tid.INVALID, true);
  }
}
