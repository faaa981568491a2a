package dev.parallax.mvcc;

import static dev.parallax.mvcc.TupleHeader.COMBO_CID;
import static dev.parallax.mvcc.TupleHeader.UPDATED;
import static dev.parallax.mvcc.TupleHeader.XMAX_COMMITTED;
import static dev.parallax.mvcc.TupleHeader.XMAX_INVALID;
import static dev.parallax.mvcc.TupleHeader.XMAX_LOCK_ONLY;
import static dev.parallax.mvcc.TupleHeader.XMIN_COMMITTED;
import static dev.parallax.mvcc.TupleHeader.XMIN_FROZEN;
import static dev.parallax.mvcc.TupleHeader.XMIN_INVALID;

import dev.parallax.storage.Buffer;
import dev.parallax.txn.CurrentTransaction;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.TransactionStatus;

/**
 * Which row versions a reader, a writer, a dirty reader or vacuum may see. Every test first
 * settles xmin (did the version ever come into existence?) and then xmax (is it gone?).
 *
 * <h2>The tests</h2>
 * <ul>
 *   <li>{@link #satisfiesMvcc}: visible to a snapshot. Own changes count by command id (made by
 *       an earlier command: seen; by this or a later one: not), others' by the snapshot (committed
 *       and not running when the snapshot was taken).
 *   <li>{@link #satisfiesUpdate}: may the current command change this version? Unlike a snapshot
 *       it looks at the present: a committed deleter the snapshot does not see still wins
 *       (UPDATED / DELETED), a running one means BEING_MODIFIED.
 *   <li>{@link #satisfiesDirty}: live counting in-progress changes of others (unique checks).
 *   <li>{@link #satisfiesVacuum}: may vacuum remove it, given the oldest xmin of any snapshot.
 * </ul>
 *
 * <h2>Order of checks</h2>
 * For another transaction's id we ask "is it still running?" before "did it commit?". A
 * committing transaction sets its commit-log bits first and leaves the running table second; asked
 * the other way round, a reader could find it "not committed" in the log, then "not running" in
 * the table, and treat a committed transaction as aborted. The current transaction's own ids are
 * tested before both, because they are running but visible by command id.
 *
 * <h2>Hint bits</h2>
 * A settled answer (committed or aborted, never "running") is cached in the tuple's hint bits so
 * later readers skip the commit log. Hints are written under the shared latch, not logged, and the
 * buffer is marked dirty as a hint. An aborted hint is always safe. A committed hint is only safe
 * once the commit record is durable: with synchronous commit that holds before the transaction
 * leaves the running table; with asynchronous commit it may not, so then a committed hint is set
 * only once {@link TransactionStatus#commitDurable} says the log was flushed past the commit
 * record (otherwise a page written before the commit record could survive a crash that loses the
 * commit, showing a row of a transaction that recovery considers aborted).
 */
public final class HeapVisibility {
  private final TransactionStatus status;
  private final boolean committedHintsAllowed;

  /**
   * @param asynchronousCommit whether commits may be acknowledged before their record is durable
   *     (then committed hint bits are never set)
   */
  public HeapVisibility(TransactionStatus status, boolean asynchronousCommit) {
    this.status = status;
    this.committedHintsAllowed = !asynchronousCommit;
  }

  public TransactionStatus status() {
    return status;
  }

  // ---- MVCC snapshot ---------------------------------------------------------------------------

  /** True if the version at {@code off} is visible to {@code snap} in transaction {@code tx}. */
  public boolean satisfiesMvcc(byte[] p, int off, Buffer buf, Snapshot snap, CurrentTransaction tx) {
    int mask = TupleHeader.infomask(p, off);
    if ((mask & XMIN_FROZEN) == 0) {
      if ((mask & XMIN_COMMITTED) == 0) {
        if ((mask & XMIN_INVALID) != 0) {
          return false;
        }
        long xmin = TupleHeader.xmin(p, off);
        if (tx.isCurrentXid(xmin)) {
          if (TupleHeader.cmin(p, off, tx.comboCommandIds()) >= snap.commandId()) {
            return false; // inserted by this or a later command
          }
          if (TupleHeader.xmaxIsNotDelete(p, off)) {
            return true;
          }
          long xmax = TupleHeader.xmax(p, off);
          if (!tx.isCurrentXid(xmax)) {
            // Deleted by a subtransaction of ours that rolled back: the delete never happened.
            hint(p, off, buf, XMAX_INVALID);
            return true;
          }
          return TupleHeader.cmax(p, off, tx.comboCommandIds()) >= snap.commandId();
        }
        if (status.isInProgress(xmin)) {
          return false;
        }
        if (!status.didCommit(xmin)) {
          hint(p, off, buf, XMIN_INVALID);
          return false;
        }
        hintCommitted(p, off, buf, XMIN_COMMITTED);
      }
      // xmin committed: visible if it had ended when the snapshot was taken.
      if (snap.isRunning(TupleHeader.xmin(p, off))) {
        return false;
      }
    }
    mask = TupleHeader.infomask(p, off);
    long xmax = TupleHeader.xmax(p, off);
    if (xmax == 0 || (mask & (XMAX_INVALID | XMAX_LOCK_ONLY)) != 0) {
      return true;
    }
    if ((mask & XMAX_COMMITTED) == 0) {
      if (tx.isCurrentXid(xmax)) {
        return TupleHeader.cmax(p, off, tx.comboCommandIds()) >= snap.commandId();
      }
      if (status.isInProgress(xmax)) {
        return true;
      }
      if (!status.didCommit(xmax)) {
        hint(p, off, buf, XMAX_INVALID);
        return true;
      }
      hintCommitted(p, off, buf, XMAX_COMMITTED);
    }
    return snap.isRunning(xmax);
  }

  // ---- update --------------------------------------------------------------------------------

  /**
   * May the current command of {@code tx} update, delete or lock this version right now? Does not
   * wait: BEING_MODIFIED names the transaction to wait for.
   */
  public HeapResult satisfiesUpdate(byte[] p, int off, Buffer buf, CurrentTransaction tx) {
    int mask = TupleHeader.infomask(p, off);
    int curcid = tx.commandId();
    if ((mask & (XMIN_FROZEN | XMIN_COMMITTED)) == 0) {
      if ((mask & XMIN_INVALID) != 0) {
        return HeapResult.INVISIBLE;
      }
      long xmin = TupleHeader.xmin(p, off);
      if (tx.isCurrentXid(xmin)) {
        if (TupleHeader.cmin(p, off, tx.comboCommandIds()) >= curcid) {
          return HeapResult.INVISIBLE;
        }
        if (TupleHeader.xmaxIsNotDelete(p, off)) {
          return HeapResult.OK;
        }
        long xmax = TupleHeader.xmax(p, off);
        if (!tx.isCurrentXid(xmax)) {
          hint(p, off, buf, XMAX_INVALID);
          return HeapResult.OK;
        }
        return TupleHeader.cmax(p, off, tx.comboCommandIds()) >= curcid
            ? HeapResult.of(HeapResult.Code.SELF_MODIFIED, xmax)
            : HeapResult.INVISIBLE;
      }
      if (status.isInProgress(xmin)) {
        return HeapResult.INVISIBLE;
      }
      if (!status.didCommit(xmin)) {
        hint(p, off, buf, XMIN_INVALID);
        return HeapResult.INVISIBLE;
      }
      hintCommitted(p, off, buf, XMIN_COMMITTED);
    }
    mask = TupleHeader.infomask(p, off);
    long xmax = TupleHeader.xmax(p, off);
    if (xmax == 0 || (mask & XMAX_INVALID) != 0) {
      return HeapResult.OK;
    }
    if ((mask & XMAX_LOCK_ONLY) != 0) {
      if (tx.isCurrentXid(xmax) || (mask & XMAX_COMMITTED) != 0) {
        return HeapResult.OK;
      }
      if (status.isInProgress(xmax)) {
        return HeapResult.of(HeapResult.Code.BEING_MODIFIED, xmax);
      }
      hint(p, off, buf, XMAX_INVALID); // the locker ended: its lock is gone either way
      return HeapResult.OK;
    }
    if ((mask & XMAX_COMMITTED) == 0) {
      if (tx.isCurrentXid(xmax)) {
        return TupleHeader.cmax(p, off, tx.comboCommandIds()) >= curcid
            ? HeapResult.of(HeapResult.Code.SELF_MODIFIED, xmax)
            : HeapResult.INVISIBLE;
      }
      if (status.isInProgress(xmax)) {
        return HeapResult.of(HeapResult.Code.BEING_MODIFIED, xmax);
      }
      if (!status.didCommit(xmax)) {
        hint(p, off, buf, XMAX_INVALID);
        return HeapResult.OK;
      }
      hintCommitted(p, off, buf, XMAX_COMMITTED);
    }
    return replacedBy(p, off, xmax);
  }

  private static HeapResult replacedBy(byte[] p, int off, long xmax) {
    if ((TupleHeader.infomask(p, off) & UPDATED) != 0) {
      return HeapResult.updated(xmax, TupleHeader.ctid(p, off));
    }
    return HeapResult.of(HeapResult.Code.DELETED, xmax);
  }

  // ---- dirty -----------------------------------------------------------------------------------

  /** Live counting the in-progress changes of others, reporting whom the answer depends on. */
  public DirtyCheck satisfiesDirty(byte[] p, int off, Buffer buf, CurrentTransaction tx) {
    int mask = TupleHeader.infomask(p, off);
    long xminRunning = 0;
    if ((mask & (XMIN_FROZEN | XMIN_COMMITTED)) == 0) {
      if ((mask & XMIN_INVALID) != 0) {
        return DirtyCheck.INVISIBLE;
      }
      long xmin = TupleHeader.xmin(p, off);
      if (tx.isCurrentXid(xmin)) {
        if (TupleHeader.xmaxIsNotDelete(p, off)) {
          return DirtyCheck.VISIBLE;
        }
        if (!tx.isCurrentXid(TupleHeader.xmax(p, off))) {
          hint(p, off, buf, XMAX_INVALID);
          return DirtyCheck.VISIBLE;
        }
        return DirtyCheck.INVISIBLE;
      }
      if (status.isInProgress(xmin)) {
        xminRunning = xmin;
      } else if (!status.didCommit(xmin)) {
        hint(p, off, buf, XMIN_INVALID);
        return DirtyCheck.INVISIBLE;
      } else {
        hintCommitted(p, off, buf, XMIN_COMMITTED);
      }
    }
    mask = TupleHeader.infomask(p, off);
    long xmax = TupleHeader.xmax(p, off);
    if (xmax == 0 || (mask & (XMAX_INVALID | XMAX_LOCK_ONLY)) != 0) {
      return new DirtyCheck(true, xminRunning, 0);
    }
    if ((mask & XMAX_COMMITTED) != 0 || tx.isCurrentXid(xmax)) {
      return DirtyCheck.INVISIBLE;
    }
    if (status.isInProgress(xmax)) {
      return new DirtyCheck(true, xminRunning, xmax);
    }
    if (!status.didCommit(xmax)) {
      hint(p, off, buf, XMAX_INVALID);
      return new DirtyCheck(true, xminRunning, 0);
    }
    hintCommitted(p, off, buf, XMAX_COMMITTED);
    return DirtyCheck.INVISIBLE;
  }

  // ---- vacuum ----------------------------------------------------------------------------------

  /**
   * What vacuum may do with the version, given {@code oldestXmin}: every transaction below it has
   * ended and every running or future snapshot treats it as ended.
   */
  public VacuumVerdict satisfiesVacuum(byte[] p, int off, Buffer buf, long oldestXmin) {
    int mask = TupleHeader.infomask(p, off);
    if ((mask & (XMIN_FROZEN | XMIN_COMMITTED)) == 0) {
      if ((mask & XMIN_INVALID) != 0) {
        return VacuumVerdict.DEAD;
      }
      long xmin = TupleHeader.xmin(p, off);
      if (status.isInProgress(xmin)) {
        return VacuumVerdict.INSERT_IN_PROGRESS;
      }
      if (!status.didCommit(xmin)) {
        hint(p, off, buf, XMIN_INVALID);
        return VacuumVerdict.DEAD;
      }
      hintCommitted(p, off, buf, XMIN_COMMITTED);
    }
    mask = TupleHeader.infomask(p, off);
    long xmax = TupleHeader.xmax(p, off);
    if (xmax == 0 || (mask & (XMAX_INVALID | XMAX_LOCK_ONLY)) != 0) {
      return VacuumVerdict.LIVE;
    }
    if ((mask & XMAX_COMMITTED) == 0) {
      if (status.isInProgress(xmax)) {
        return VacuumVerdict.DELETE_IN_PROGRESS;
      }
      if (!status.didCommit(xmax)) {
        hint(p, off, buf, XMAX_INVALID);
        return VacuumVerdict.LIVE;
      }
      hintCommitted(p, off, buf, XMAX_COMMITTED);
    }
    return xmax >= oldestXmin ? VacuumVerdict.RECENTLY_DEAD : VacuumVerdict.DEAD;
  }

  // ---- hints -----------------------------------------------------------------------------------

  private static void hint(byte[] p, int off, Buffer buf, int bit) {
    TupleHeader.addHint(p, off, bit);
    if (buf != null) {
      buf.markDirtyHint();
    }
  }

  private void hintCommitted(byte[] p, int off, Buffer buf, int bit) {
    // With asynchronous commit, only once the commit record is durable (see the class comment).
    if (committedHintsAllowed
        || status.commitDurable(bit == XMIN_COMMITTED ? TupleHeader.xmin(p, off) : TupleHeader.xmax(p, off))) {
      hint(p, off, buf, bit);
    }
  }

  static boolean usesCombo(byte[] p, int off) {
    return (TupleHeader.infomask(p, off) & COMBO_CID) != 0;
  }
}
