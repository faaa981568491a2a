package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapResult;
import dev.parallax.mvcc.HeapScan;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One connection to the database: at most one transaction at a time, used by one thread at a
 * time (like a JDBC connection).
 *
 * <p>Outside {@link #begin} every operation runs in its own transaction at the database's default
 * isolation (autocommit). Inside, every operation is one statement: it takes its snapshot (a new
 * one per statement under READ COMMITTED, the first one under REPEATABLE READ) and advances the
 * command counter, so later statements see its changes and it does not see its own.
 *
 * <p>Errors: a failed statement inside an explicit transaction leaves the transaction aborted:
 * every further operation fails with 25P02 until {@link #rollback} or
 * {@link #rollbackToSavepoint}, as in PostgreSQL. In autocommit the failed transaction is rolled
 * back at once.
 *
 * <p>Concurrent changes: an update, delete or lock that meets a row version being changed by
 * another transaction waits for it to end. If that transaction committed a newer version, READ
 * COMMITTED follows the update chain and applies the change to the newest version (the low-level
 * API has no WHERE clause to re-check; the SQL layer adds EvalPlanQual); REPEATABLE READ and
 * SERIALIZABLE raise a serialization failure (40001).
 */
public final class Session implements AutoCloseable {
  private final Database db;
  private Transaction tx;
  private boolean explicit;
  private boolean failed;
  private boolean closed;

  Session(Database db) {
    this.db = db;
  }

  // ---- transactions -------------------------------------------------------------------------

  /** Starts a transaction at the database's default isolation. */
  public void begin() {
    begin(db.settings().defaultIsolation(), false);
  }

  public void begin(IsolationLevel isolation) {
    begin(isolation, false);
  }

  public void begin(IsolationLevel isolation, boolean readOnly) {
    checkUsable();
    if (explicit) {
      throw new DatabaseException(SqlState.ACTIVE_TRANSACTION, "there is already a transaction in progress");
    }
    tx = db.transactions().begin(isolation, readOnly);
    explicit = true;
    failed = false;
  }

  public boolean inTransaction() {
    return explicit;
  }

  /** Isolation of the open transaction, or the default for the next one. */
  public IsolationLevel isolation() {
    return explicit ? tx.isolation() : db.settings().defaultIsolation();
  }

  /** Commits the open transaction; a failed one is rolled back instead and 25P02 is raised. */
  public void commit() {
    checkUsable();
    requireExplicit("COMMIT");
    if (failed) {
      endTransaction(false);
      throw new DatabaseException(SqlState.IN_FAILED_TRANSACTION,
          "current transaction was aborted by an earlier error; it has been rolled back");
    }
    endTransaction(true);
  }

  public void rollback() {
    checkUsable();
    requireExplicit("ROLLBACK");
    endTransaction(false);
  }

  public void savepoint(String name) {
    checkUsable();
    requireExplicit("SAVEPOINT");
    checkNotFailed();
    tx.savepoint(name);
  }

  /** Undoes everything since the savepoint and clears a failed state. The savepoint stays. */
  public void rollbackToSavepoint(String name) {
    checkUsable();
    requireExplicit("ROLLBACK TO SAVEPOINT");
    tx.rollbackToSavepoint(name);
    failed = false;
  }

  public void releaseSavepoint(String name) {
    checkUsable();
    requireExplicit("RELEASE SAVEPOINT");
    checkNotFailed();
    tx.releaseSavepoint(name);
  }

  private void endTransaction(boolean commit) {
    Transaction t = tx;
    List<Catalog.Pending> ddl = commit ? db.catalog().effectsOf(t) : List.of();
    long top = t.topXid();
    tx = null;
    explicit = false;
    failed = false;
    try {
      if (commit) {
        t.commit();
      } else {
        t.rollback();
      }
    } catch (RuntimeException e) {
      if (t.isActive()) {
        t.rollback();
      }
      db.catalog().transactionEnded(top, List.of());
      throw e;
    }
    db.catalog().transactionEnded(top, ddl);
  }

  // ---- catalog --------------------------------------------------------------------------------

  public Table createTable(String name, Column... columns) {
    return createTable(name, Arrays.asList(columns));
  }

  public Table createTable(String name, List<Column> columns) {
    return statement(t -> db.catalog().create(name, columns, t));
  }

  public void dropTable(String name) {
    statement(t -> db.catalog().drop(name, t));
  }

  public Optional<Table> table(String name) {
    return statement(t -> db.catalog().lookup(name, t));
  }

  public List<Table> tables() {
    return statement(t -> db.catalog().tables(t));
  }

  // ---- rows -----------------------------------------------------------------------------------

  /** Inserts one row; values in column order, Java types as {@link ColumnType} documents. */
  public RowId insert(String table, Object... values) {
    return statement(t -> {
      Table tab = resolve(table, t);
      byte[] data = RowValues.encode(tab, values);
      return RowId.of(db.heap().insert(tab.relation(), t, data), t.currentXid());
    });
  }

  /** Every row visible to this statement's snapshot, in physical order. */
  public List<Row> scan(String table) {
    return statement(t -> {
      Table tab = resolve(table, t);
      ColumnType[] types = tab.types();
      List<Row> rows = new ArrayList<>();
      HeapScan scan = db.heap().scan(tab.relation(), t.statementSnapshot(), t);
      while (scan.hasNext()) {
        HeapTuple tuple = scan.next();
        rows.add(new Row(tab, RowId.of(tuple), tuple.values(types)));
      }
      return rows;
    });
  }

  /** The row version at {@code id} if this statement's snapshot sees it, else null. */
  public Row fetch(String table, RowId id) {
    return statement(t -> {
      Table tab = resolve(table, t);
      HeapTuple tuple = db.heap().fetch(tab.relation(), id.tid(), t.statementSnapshot(), t);
      return tuple == null || tuple.xmin() != id.writer() ? null : new Row(tab, id, tuple.values(tab.types()));
    });
  }

  /**
   * Changes the named columns of the row at {@code id}. Returns the new version's row id, or null
   * if there is no such visible row (or it was deleted concurrently under READ COMMITTED).
   */
  public RowId update(String table, RowId id, Map<String, Object> changes) {
    return statement(t -> {
      Table tab = resolve(table, t);
      int[] idx = new int[changes.size()];
      Object[] vals = new Object[changes.size()];
      int i = 0;
      for (Map.Entry<String, Object> e : changes.entrySet()) {
        idx[i] = tab.columnIndex(e.getKey());
        vals[i++] = e.getValue();
      }
      HeapResult r = RowChange.apply(db, t, tab, id, (tid, current) -> {
        Object[] row = current.values(tab.types());
        for (int k = 0; k < idx.length; k++) {
          row[idx[k]] = vals[k];
        }
        return db.heap().update(tab.relation(), tid, RowValues.encode(tab, row), t);
      });
      return r == null ? null : RowId.of(r.newTid(), t.currentXid());
    });
  }

  /** Deletes the row at {@code id}; false if there was no such visible row. */
  public boolean delete(String table, RowId id) {
    return statement(t -> {
      Table tab = resolve(table, t);
      HeapResult r = RowChange.apply(db, t, tab, id,
          (tid, current) -> db.heap().delete(tab.relation(), tid, t));
      return r != null;
    });
  }

  /**
   * Locks the row against concurrent updates until the transaction ends (SELECT ... FOR UPDATE)
   * and returns the version locked (under READ COMMITTED, the newest one), or null if gone.
   */
  public Row lockRow(String table, RowId id) {
    return statement(t -> {
      Table tab = resolve(table, t);
      Tid[] locked = new Tid[1];
      HeapResult r = RowChange.apply(db, t, tab, id, (tid, current) -> {
        locked[0] = tid;
        return db.heap().lock(tab.relation(), tid, t);
      });
      if (r == null) {
        return null;
      }
      Snapshot latest = t.statementSnapshot();
      HeapTuple tuple = db.heap().fetch(tab.relation(), locked[0], latest, t);
      return tuple == null ? null : new Row(tab, RowId.of(tuple), tuple.values(tab.types()));
    });
  }

  // ---- statement frame ------------------------------------------------------------------------

  @FunctionalInterface
  interface Body<T> {
    T run(Transaction t);
  }

  private <T> T statement(Body<T> body) {
    checkUsable();
    checkNotFailed();
    boolean auto = !explicit;
    if (auto) {
      tx = db.transactions().begin(db.settings().defaultIsolation(), false);
    }
    try {
      tx.startStatement(); // READ COMMITTED: each statement sees what committed before it began
      T result = body.run(tx);
      tx.commandCounterIncrement();
      if (auto) {
        endTransaction(true);
      }
      return result;
    } catch (RuntimeException e) {
      if (auto) {
        if (tx != null) {
          endTransaction(false);
        }
      } else {
        failed = true;
      }
      throw e;
    }
  }

  private Table resolve(String name, Transaction t) {
    return db.catalog().lookup(name, t).orElseThrow(() ->
        new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist"));
  }

  private void requireExplicit(String what) {
    if (!explicit) {
      throw new DatabaseException(SqlState.NO_ACTIVE_TRANSACTION, what + ": there is no transaction in progress");
    }
  }

  private void checkNotFailed() {
    if (failed) {
      throw new DatabaseException(SqlState.IN_FAILED_TRANSACTION,
          "current transaction is aborted, commands ignored until end of transaction block");
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new DatabaseException(SqlState.CONNECTION_DOES_NOT_EXIST, "session is closed");
    }
    db.checkOpen();
  }

  /** Rolls back any open transaction and closes the session. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closeFromDatabase();
    db.sessionClosed(this);
  }

  void closeFromDatabase() {
    if (closed) {
      return;
    }
    if (tx != null && tx.isActive()) {
      endTransaction(false);
    }
    closed = true;
  }
}
