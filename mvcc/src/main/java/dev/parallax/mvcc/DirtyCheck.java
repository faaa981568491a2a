package dev.parallax.mvcc;

/**
 * The answer of a dirty read ({@link HeapVisibility#satisfiesDirty}): whether the version is
 * visible counting in-progress changes of others, and which running transactions it depends on.
 * A unique check uses this: a visible version with a running inserter means "wait for that
 * transaction, then check again".
 *
 * @param visible live as far as committed and in-progress changes go
 * @param xminInProgress the running transaction that inserted it, or 0
 * @param xmaxInProgress the running transaction that is deleting it, or 0
 */
public record DirtyCheck(boolean visible, long xminInProgress, long xmaxInProgress) {
  static final DirtyCheck INVISIBLE = new DirtyCheck(false, 0, 0);
  static final DirtyCheck VISIBLE = new DirtyCheck(true, 0, 0);
}
