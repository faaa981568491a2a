package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.lock.DeadlockDetectedException;
import dev.parallax.txn.lock.LockInfo;
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockTag;
import dev.parallax.txn.lock.LockWait;
import dev.parallax.txn.lock.RowLockStrength;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions and the lock manager: row waits, deadlocks, NOWAIT / SKIP LOCKED, timeouts, cancel, DROP vs readers. */
class SessionLockTest {
  Database db;
  Session s;
  RowId one;
  RowId two;

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("t", Column.notNull("id", ColumnType.BIGINT), Column.of("name", ColumnType.TEXT));
    one = s.insert("t", 1L, "one");
    two = s.insert("t", 2L, "two");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static <T> CompletableFuture<T> async(java.util.concurrent.Callable<T> c) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(c.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    t.setDaemon(true);
    t.start();
    return f;
  }

  private void awaitSomeoneWaiting() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (db.locks().stream().allMatch(LockInfo::granted)) {
      assertTrue(System.nanoTime() < deadline, "nobody started waiting");
      Thread.onSpinWait();
    }
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aRowDeadlockIsDetectedWithinDeadlockTimeoutPlusAMarginOneFailsTheOtherCommits() throws Exception {
    Session a = db.openSession();
    Session b = db.openSession();
    a.setDeadlockTimeout(Duration.ofMillis(200));
    b.setDeadlockTimeout(Duration.ofMillis(200));
    a.begin();
    b.begin();
    a.update("t", one, Map.of("name", "a"));
    b.update("t", two, Map.of("name", "b"));
    CompletableFuture<RowId> fa = async(() -> a.update("t", two, Map.of("name", "a")));
    awaitSomeoneWaiting();
    long closed = System.nanoTime();
    CompletableFuture<RowId> fb = async(() -> b.update("t", one, Map.of("name", "b")));
    CompletableFuture.anyOf(fa, fb).handle((v, e) -> null).get(10, TimeUnit.SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
    boolean aFailed = fa.isCompletedExceptionally();
    Session victim = aFailed ? a : b;
    Session survivor = aFailed ? b : a;
    DeadlockDetectedException d = assertInstanceOf(DeadlockDetectedException.class, failureOf(aFailed ? fa : fb));
    assertTrue(ms < 200 + 800, "detected after " + ms + " ms");
    assertTrue(d.getMessage().contains("waits for ShareLock on transaction"), d.getMessage());
    victim.rollback();
    assertNotNull((aFailed ? fb : fa).get(10, TimeUnit.SECONDS), "the survivor's update goes through");
    survivor.commit();
    String name = aFailed ? "b" : "a";
    assertEquals(2, s.scan("t").stream().filter(r -> r.get("name").equals(name)).count());
    a.close();
    b.close();
    assertTrue(db.locks().isEmpty(), () -> "locks left: " + db.locks());
  }

  @Test
  void nowaitAndSkipLockedOnALockedRow() {
    Session holder = db.openSession();
    holder.begin();
    assertNotNull(holder.lockRow("t", one));
    Session other = db.openSession();
    other.begin();
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> other.lockRow("t", one, RowLockStrength.FOR_UPDATE, LockWait.Policy.NOWAIT));
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, e.sqlState());
    assertTrue(e.getMessage().contains("could not obtain lock on row in relation \"t\""), e.getMessage());
    other.rollback();
    other.begin();
    assertNull(other.lockRow("t", one, RowLockStrength.FOR_SHARE, LockWait.Policy.SKIP_LOCKED), "skipped");
    assertNotNull(other.lockRow("t", two, RowLockStrength.FOR_UPDATE, LockWait.Policy.SKIP_LOCKED), "free rows are locked");
    other.commit();
    holder.commit();
  }

  @Test
  void lockTimeoutAndStatementTimeoutEndWaitsAndTheSessionGoesOn() {
    Session holder = db.openSession();
    holder.begin();
    holder.update("t", one, Map.of("name", "held"));
    Session other = db.openSession();
    other.setLockTimeout(Duration.ofMillis(100));
    DatabaseException lt = assertThrows(DatabaseException.class, () -> other.update("t", one, Map.of("name", "x")));
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, lt.sqlState());
    assertTrue(lt.getMessage().contains("lock timeout"), lt.getMessage());
    other.setLockTimeout(Duration.ZERO);
    other.setStatementTimeout(Duration.ofMillis(100));
    DatabaseException st = assertThrows(DatabaseException.class, () -> other.delete("t", one));
    assertEquals(SqlState.QUERY_CANCELED, st.sqlState());
    assertTrue(st.getMessage().contains("statement timeout"), st.getMessage());
    assertNotNull(other.update("t", two, Map.of("name", "fine")), "the session is still usable");
    holder.commit();
  }

  @Test
  void cancelEndsAWaitingStatementFromAnotherThread() throws Exception {
    Session holder = db.openSession();
    holder.begin();
    holder.update("t", one, Map.of("name", "held"));
    Session waiter = db.openSession();
    waiter.begin();
    assertFalse(waiter.cancel(), "nothing to cancel yet");
    CompletableFuture<RowId> f = async(() -> waiter.update("t", one, Map.of("name", "w")));
    awaitSomeoneWaiting();
    assertTrue(waiter.cancel());
    DatabaseException e = assertInstanceOf(DatabaseException.class, failureOf(f));
    assertEquals(SqlState.QUERY_CANCELED, e.sqlState());
    assertThrows(DatabaseException.class, () -> waiter.scan("t"), "the transaction is aborted after the error");
    waiter.rollback();
    holder.commit();
    assertNotNull(waiter.update("t", one, Map.of("name", "w")));
  }

  @Test
  void dropTableWaitsForAReaderAndLaterStatementsSeeItGone() throws Exception {
    Session reader = db.openSession();
    reader.begin(IsolationLevel.REPEATABLE_READ);
    assertEquals(2, reader.scan("t").size());
    LockTag table = LockTag.relation(reader.table("t").orElseThrow().relation());
    assertTrue(db.locks().stream().anyMatch(i -> i.tag().equals(table) && i.mode() == LockMode.ACCESS_SHARE && i.fastPath()),
        "a reader's ACCESS SHARE is a fast-path lock: " + db.locks());
    Session dropper = db.openSession();
    dropper.begin();
    CompletableFuture<Void> drop = async(() -> {
      dropper.dropTable("t");
      return null;
    });
    awaitSomeoneWaiting();
    assertTrue(db.locks().stream().anyMatch(i -> !i.granted() && i.mode() == LockMode.ACCESS_EXCLUSIVE), db.locks().toString());
    assertEquals(2, reader.scan("t").size(), "the reader goes on while DROP waits");
    reader.commit();
    drop.get(10, TimeUnit.SECONDS);
    dropper.commit();
    DatabaseException e = assertThrows(DatabaseException.class, () -> s.scan("t"));
    assertEquals(SqlState.UNDEFINED_TABLE, e.sqlState());
  }

  @Test
  void lockTableNowaitFailsWhileAnotherSessionUsesTheTable() {
    Session user = db.openSession();
    user.begin();
    user.insert("t", 3L, "three");
    Session locker = db.openSession();
    locker.begin();
    DatabaseException e = assertThrows(DatabaseException.class, () -> locker.lockTable("t", LockMode.SHARE, true));
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, e.sqlState());
    assertTrue(e.getMessage().contains("relation \"t\""), e.getMessage());
    locker.rollback();
    user.commit();
    locker.begin();
    locker.lockTable("t", LockMode.SHARE, true);
    DatabaseException blocked = assertThrows(DatabaseException.class, () -> {
      user.setLockTimeout(Duration.ofMillis(50));
      user.insert("t", 4L, "four");
    });
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, blocked.sqlState(), "SHARE blocks writers");
    locker.commit();
  }
}
