package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static dev.parallax.mvcc.HeapFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeapTest {
  private final HeapFixture f = new HeapFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private List<String> scanTexts(Transaction t) {
    List<String> out = new ArrayList<>();
    HeapScan s = f.heap.scan(REL, t.startStatement(), t);
    while (s.hasNext()) {
      out.add(text(s.next()));
    }
    return out;
  }

  @Test
  void everyTypeRoundTripsThroughAPage() {
    ColumnType[] types = ColumnType.values();
    Object[] values = {42, 7L << 40, 2.5, "héllo", true, new BigDecimal("-12345678901234567890.125"),
        LocalDateTime.of(2026, 11, 24, 13, 14, 15, 123_456_000), new byte[] {1, 2, 3}};
    Transaction t = f.rc();
    Tid tid = f.heap.insert(REL, t, RowCodec.encode(types, values));
    t.commandCounterIncrement();
    HeapTuple got = f.heap.fetch(REL, tid, t.startStatement(), t);
    Object[] back = got.values(types);
    for (int i = 0; i < types.length; i++) {
      if (values[i] instanceof byte[] b) {
        assertArrayEquals(b, (byte[]) back[i]);
      } else {
        assertEquals(values[i], back[i], types[i].name());
      }
    }
    assertEquals("héllo", got.value(types, 3));
    Object[] nulls = new Object[types.length];
    Tid n = f.heap.insert(REL, t, RowCodec.encode(types, nulls));
    t.commandCounterIncrement();
    assertArrayEquals(nulls, f.heap.fetch(REL, n, t.startStatement(), t).values(types));
    t.commit();
  }

  @Test
  void wrongTypeAndOversizedRowsAreTypedErrors() {
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> RowCodec.encode(HeapFixture.TYPES, new Object[] {"x", "y"}));
    assertEquals(SqlState.DATATYPE_MISMATCH, e.sqlState());
    Transaction t = f.rc();
    DatabaseException big = assertThrows(DatabaseException.class,
        () -> f.heap.insert(REL, t, row(1, "x".repeat(9000))));
    assertEquals(SqlState.PROGRAM_LIMIT_EXCEEDED, big.sqlState());
    f.heap.insert(REL, t, row(1, "x".repeat(Heap.maxRowDataSize() - 20)));
    t.commit();
  }

  @Test
  void uncommittedInsertIsInvisibleToOthersAndVisibleAfterCommit() {
    Transaction writer = f.rc();
    Tid tid = f.heap.insert(REL, writer, row(1, "a"));
    Transaction reader = f.rc();
    assertNull(f.heap.fetch(REL, tid, reader.startStatement(), reader));
    assertEquals(List.of(), scanTexts(reader));
    Transaction rr = f.begin(IsolationLevel.REPEATABLE_READ);
    rr.startStatement();
    writer.commit();
    assertEquals(List.of("a"), scanTexts(reader), "READ COMMITTED sees the commit at its next statement");
    assertEquals(List.of(), scanTexts(rr), "REPEATABLE READ keeps its first snapshot");
    rr.commit();
    reader.commit();
  }

  @Test
  void updateLinksVersionsAndOldSnapshotsKeepTheOldOne() {
    Transaction t1 = f.rc();
    Tid v1 = f.heap.insert(REL, t1, row(1, "v1"));
    t1.commit();
    Transaction old = f.begin(IsolationLevel.REPEATABLE_READ);
    Snapshot oldSnap = old.startStatement();
    Transaction t2 = f.rc();
    HeapResult r = f.heap.update(REL, v1, row(1, "v2"), t2);
    assertEquals(HeapResult.Code.OK, r.code());
    Tid v2 = r.newTid();
    assertNotEquals(v1, v2);
    t2.commit();
    assertEquals("v1", text(f.heap.fetch(REL, v1, oldSnap, old)));
    assertNull(f.heap.fetch(REL, v2, oldSnap, old));
    Transaction now = f.rc();
    Snapshot s = now.startStatement();
    assertNull(f.heap.fetch(REL, v1, s, now));
    assertEquals("v2", text(f.heap.fetch(REL, v2, s, now)));
    HeapTuple latest = f.heap.latestVersion(REL, v1, s, now);
    assertEquals(v2, latest.tid());
    assertEquals(v2, f.heap.fetch(REL, v1, oldSnap, old).ctid(), "the old version links to the new");
    old.commit();
    now.commit();
  }

  @Test
  void concurrentUpdatersOneWinsTheOtherWaitsThenSeesUpdated() {
    Transaction setup = f.rc();
    Tid tid = f.heap.insert(REL, setup, row(1, "base"));
    setup.commit();
    Transaction a = f.rc();
    Transaction b = f.rc();
    HeapResult ra = f.heap.update(REL, tid, row(1, "a"), a);
    assertEquals(HeapResult.Code.OK, ra.code());
    HeapResult rb = f.heap.update(REL, tid, row(1, "b"), b);
    assertEquals(HeapResult.Code.BEING_MODIFIED, rb.code());
    assertEquals(a.topXid(), rb.conflictingXid());
    a.commit();
    HeapResult again = f.heap.update(REL, tid, row(1, "b"), b);
    assertEquals(HeapResult.Code.UPDATED, again.code());
    assertEquals(ra.newTid(), again.newCtid());
    assertEquals(a.topXid(), again.conflictingXid());
    // READ COMMITTED: follow the chain and apply the change to the newest version.
    HeapTuple newest = f.heap.latestVersion(REL, tid, b.latestSnapshot(), b);
    assertEquals("a", text(newest));
    assertEquals(HeapResult.Code.OK, f.heap.update(REL, newest.tid(), row(1, "b"), b).code());
    b.commit();
    Transaction check = f.rc();
    assertEquals(List.of("b"), scanTexts(check));
    check.commit();
  }

  @Test
  void anAbortedUpdaterLeavesTheRowUpdatable() {
    Transaction setup = f.rc();
    Tid tid = f.heap.insert(REL, setup, row(1, "base"));
    setup.commit();
    Transaction a = f.rc();
    Transaction b = f.rc();
    assertEquals(HeapResult.Code.OK, f.heap.update(REL, tid, row(1, "a"), a).code());
    assertEquals(HeapResult.Code.BEING_MODIFIED, f.heap.update(REL, tid, row(1, "b"), b).code());
    a.rollback();
    assertEquals(HeapResult.Code.OK, f.heap.update(REL, tid, row(1, "b"), b).code());
    b.commit();
    Transaction check = f.rc();
    assertEquals(List.of("b"), scanTexts(check));
  }

  @Test
  void deleteAndLock() {
    Transaction setup = f.rc();
    Tid x = f.heap.insert(REL, setup, row(1, "x"));
    Tid y = f.heap.insert(REL, setup, row(2, "y"));
    setup.commit();
    Transaction locker = f.rc();
    assertEquals(HeapResult.Code.OK, f.heap.lock(REL, x, locker).code());
    assertEquals(HeapResult.Code.OK, f.heap.lock(REL, x, locker).code(), "re-locking is a no-op");
    Transaction other = f.rc();
    assertEquals(List.of("x", "y"), scanTexts(other), "a lock does not hide the row");
    HeapResult blocked = f.heap.delete(REL, x, other);
    assertEquals(HeapResult.Code.BEING_MODIFIED, blocked.code());
    assertEquals(locker.topXid(), blocked.conflictingXid());
    assertEquals(HeapResult.Code.OK, f.heap.update(REL, x, row(1, "x2"), locker).code(),
        "the locker may update its locked row");
    locker.commit();
    assertEquals(HeapResult.Code.UPDATED, f.heap.delete(REL, x, other).code());
    assertEquals(HeapResult.Code.OK, f.heap.delete(REL, y, other).code());
    assertEquals(HeapResult.Code.SELF_MODIFIED, f.heap.delete(REL, y, other).code(),
        "deleting again in the same command");
    other.commandCounterIncrement();
    assertEquals(HeapResult.Code.INVISIBLE, f.heap.delete(REL, y, other).code(),
        "a later command no longer sees the row");
    other.commit();
    Transaction check = f.rc();
    assertEquals(List.of("x2"), scanTexts(check));
  }

  @Test
  void aLockTakenInARolledBackSavepointIsReleased() {
    Transaction setup = f.rc();
    Tid x = f.heap.insert(REL, setup, row(1, "x"));
    setup.commit();
    Transaction t = f.rc();
    t.savepoint("s");
    assertEquals(HeapResult.Code.OK, f.heap.lock(REL, x, t).code());
    t.rollbackToSavepoint("s");
    Transaction other = f.rc();
    assertEquals(HeapResult.Code.OK, f.heap.update(REL, x, row(1, "y"), other).code());
    other.commit();
    t.commit();
  }

  @Test
  void comboCommandIdsKeepBothCommandsOfOneTransaction() {
    Transaction t = f.rc();
    Tid tid = f.heap.insert(REL, t, row(1, "mine")); // command 0
    t.commandCounterIncrement();
    Snapshot atOne = t.startStatement(); // command 1 sees the insert
    assertNotNull(f.heap.fetch(REL, tid, atOne, t));
    assertEquals(HeapResult.Code.OK, f.heap.delete(REL, tid, t).code()); // deleted by command 1
    assertNotNull(f.heap.fetch(REL, tid, atOne, t), "command 1 does not see its own delete");
    assertEquals(1, t.comboCommandIds().size(), "the version now carries a combo id");
    var worker = f.tm.restoreForWorker(t.exportState());
    assertNotNull(f.heap.fetch(REL, tid, atOne, worker), "an imported combo table answers the same");
    t.commandCounterIncrement();
    Snapshot atTwo = t.startStatement();
    assertNull(f.heap.fetch(REL, tid, atTwo, t), "command 2 sees the delete");
    assertNull(f.heap.fetch(REL, tid, atTwo, f.tm.restoreForWorker(t.exportState())));
    assertNull(f.heap.fetch(REL, tid, atOne.withCommandId(0), t), "command 0 did not see the insert yet");
    t.commit();
    Transaction other = f.rc();
    assertNull(f.heap.fetch(REL, tid, other.startStatement(), other));
  }

  @Test
  void rolledBackSubtransactionDeleteIsUndoneForTheParent() {
    Transaction t = f.rc();
    Tid tid = f.heap.insert(REL, t, row(1, "keep"));
    t.commandCounterIncrement();
    t.savepoint("s");
    assertEquals(HeapResult.Code.OK, f.heap.delete(REL, tid, t).code());
    t.commandCounterIncrement();
    assertNull(f.heap.fetch(REL, tid, t.startStatement(), t));
    t.rollbackToSavepoint("s");
    t.commandCounterIncrement();
    assertNotNull(f.heap.fetch(REL, tid, t.startStatement(), t));
    t.commit();
    Transaction other = f.rc();
    assertEquals(List.of("keep"), scanTexts(other));
  }

  @Test
  void updatesSpillToOtherPagesWhenTheOldPageIsFull() {
    Transaction t = f.rc();
    List<Tid> tids = new ArrayList<>();
    String fat = "f".repeat(1500);
    for (int i = 0; i < 5; i++) {
      tids.add(f.heap.insert(REL, t, row(i, fat + i)));
    }
    t.commit();
    assertEquals(1, f.storage.bufferPool().blockCount(REL));
    Transaction u = f.rc();
    List<Tid> moved = new ArrayList<>();
    for (Tid tid : tids) {
      HeapResult r = f.heap.update(REL, tid, row(0, fat + "new"), u);
      assertEquals(HeapResult.Code.OK, r.code());
      moved.add(r.newTid());
    }
    u.commit();
    assertNotEquals(0, moved.stream().filter(m -> m.block() != 0).count());
    Transaction check = f.rc();
    List<String> texts = scanTexts(check);
    assertEquals(5, texts.size());
    texts.forEach(s -> assertEquals(fat + "new", s));
  }

  @Test
  void headerBitsTellLocksFromDeletes() {
    Transaction setup = f.rc();
    Tid x = f.heap.insert(REL, setup, row(1, "x"));
    Tid y = f.heap.insert(REL, setup, row(2, "y"));
    setup.commit();
    Transaction t = f.rc();
    f.heap.lock(REL, x, t);
    f.heap.delete(REL, y, t);

    int locked = f.heap.fetch(REL, x, t.latestSnapshot(), t).infomask();
    assertEquals(TupleHeader.XMAX_LOCK_ONLY, locked & (TupleHeader.XMAX_LOCK_ONLY | TupleHeader.KEYS_UPDATED));
    t.commandCounterIncrement();
    Transaction other = f.begin(IsolationLevel.REPEATABLE_READ);
    Snapshot before = other.startStatement();
    t.commit();
    int deleted = f.heap.fetch(REL, y, before, other).infomask();
    assertEquals(TupleHeader.KEYS_UPDATED, deleted & (TupleHeader.XMAX_LOCK_ONLY | TupleHeader.KEYS_UPDATED));

    other.commit();
  }
}
