package dev.parallax.mvcc;

import dev.parallax.storage.SlottedPage;
import dev.parallax.txn.ComboCommandIds;
import dev.parallax.txn.CurrentTransaction;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.TransactionStatus;
import java.util.HashSet;
import java.util.Set;

/** Small fakes for visibility tests: a settable transaction status and a current transaction. */
final class VisibilityFixtures {
  private VisibilityFixtures() {}

  static final class FakeStatus implements TransactionStatus {
    final Set<Long> running = new HashSet<>();
    final Set<Long> committed = new HashSet<>();
    int lookups;

    @Override
    public boolean isInProgress(long xid) {
      lookups++;
      return running.contains(xid);
    }

    @Override
    public boolean didCommit(long xid) {
      lookups++;
      return committed.contains(xid);
    }
  }

  static final class FakeTx implements CurrentTransaction {
    final Set<Long> own = new HashSet<>();
    final ComboCommandIds combos = new ComboCommandIds();
    int commandId;
    long top;

    FakeTx(long top, int commandId) {
      this.top = top;
      this.commandId = commandId;
      own.add(top);
    }

    @Override
    public long xidForWrite() {
      return top;
    }

    @Override
    public long topXid() {
      return top;
    }

    @Override
    public boolean isCurrentXid(long xid) {
      return own.contains(xid);
    }

    @Override
    public int commandId() {
      return commandId;
    }

    @Override
    public ComboCommandIds comboCommandIds() {
      return combos;
    }

    @Override
    public IsolationLevel isolation() {
      return IsolationLevel.READ_COMMITTED;
    }
  }

  /** A page holding one tuple header (no row data needed for visibility) at the returned offset. */
  static byte[] pageWithHeader(long xmin, long xmax, int cid, int infomask) {
    byte[] p = new byte[SlottedPage.PAGE_SIZE];
    SlottedPage.init(p, 0);
    int slot = SlottedPage.addItem(p, new byte[TupleHeader.SIZE + 2]);
    int off = SlottedPage.offset(p, slot);
    TupleHeader.init(p, off, xmin, cid, 0, slot);
    TupleHeader.setXmax(p, off, xmax);
    TupleHeader.setInfomask(p, off, infomask);
    return p;
  }

  static int firstOffset(byte[] p) {
    return SlottedPage.offset(p, 0);
  }
}
