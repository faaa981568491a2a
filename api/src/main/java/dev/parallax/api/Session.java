package dev.parallax.api;

import dev.parallax.executor.exec.ExecContext;
import dev.parallax.executor.exec.Executor;
import dev.parallax.executor.exec.Explain;
import dev.parallax.executor.exec.PlanState;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.SeqScanPlan;
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
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockOwner;
import dev.parallax.txn.lock.LockTag;
import dev.parallax.txn.lock.LockWait;
import dev.parallax.txn.lock.RowLockStrength;
import java.time.Duration;
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
 *
 * <p>Locks: every statement locks the tables it touches until the transaction ends, as PostgreSQL
 * does (reads ACCESS SHARE, writes ROW EXCLUSIVE, row locks ROW SHARE, DROP TABLE ACCESS
 * EXCLUSIVE), so a table cannot be dropped under a running reader or writer. Lock waits follow the
 * session's {@code deadlock_timeout}, {@code lock_timeout} and {@code statement_timeout}, and
 * {@link #cancel} (from any thread) ends the statement's wait with 57014.
 */
public final class Session implements AutoCloseable {
  private final Database db;
  /** Holds every transaction's locks; one per session, so cancel always reaches this session. */
  private final LockOwner lockOwner;
  private Transaction tx;
  private boolean explicit;
  private boolean failed;
  private boolean closed;
  private boolean openCursor;
  private long deadlockTimeoutMillis = LockWait.DEFAULT_DEADLOCK_TIMEOUT_MILLIS;
  private long lockTimeoutMillis;
  private long statementTimeoutMillis;
  /** Whether the explicit transaction has run a statement yet (SET TRANSACTION must come first). */
  private boolean ranStatement;
  /** How much memory a sort may use before it spills (the SQL setting work_mem). */
  private long workMemBytes = ExecContext.DEFAULT_WORK_MEM;
  /** SQL statements, prepared statements and settings of this session (created on first use). */
  private SqlSession sql;
  /** Between a statement's start and end (a plan's: until its cursor closes); read by {@link #cancel}. */
  private volatile boolean statementRunning;
  private LockWait untimedWait;

  Session(Database db) {
    this.db = db;
    this.lockOwner = db.transactions().locks().newOwner("session");
  }

  // ---- settings -------------------------------------------------------------------------------

  /** How long a lock wait lasts before the deadlock check (and between checks); default 1 s. */
  public void setDeadlockTimeout(Duration d) {
    deadlockTimeoutMillis = positive(d, "deadlock_timeout");
    if (deadlockTimeoutMillis == 0) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, "deadlock_timeout must be positive");
    }
  }

  /** Longest wait for any one lock (0 = no limit): then 55P03. */
  public void setLockTimeout(Duration d) {
    lockTimeoutMillis = positive(d, "lock_timeout");
  }

  /**
   * Longest time a statement may run (0 = no limit): then 57014, whether it is waiting for a lock
   * or running a plan (checked every few hundred rows). A plan's statement lasts until its cursor
   * closes.
   */
  public void setStatementTimeout(Duration d) {
    statementTimeoutMillis = positive(d, "statement_timeout");
  }

  private static long positive(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, name + " must be zero or positive, not " + d);
    }
    return d.toMillis();
  }

  /**
   * Cancels the statement this session is running (callable from any thread), whether it waits
   * for a lock or runs a plan (a scan, sort, join or aggregate stops within a few hundred rows):
   * it fails with 57014 and the transaction is aborted as after any error. Returns whether there
   * was a statement to cancel; with none, nothing happens (as PostgreSQL ignores a cancel between
   * queries).
   */
  public boolean cancel() {
    if (!statementRunning) {
      return lockOwner.cancel(); // a wait outside the statement frame (none today), or nothing
    }
    lockOwner.requestCancel();
    return true;
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
    tx = db.transactions().begin(isolation, readOnly, lockOwner);
    explicit = true;
    failed = false;
    ranStatement = false;
  }

  /**
   * SET TRANSACTION: gives the open transaction another isolation level or access mode. Only
   * before its first statement (25001 after, as in PostgreSQL); the transaction has done nothing
   * yet, so it is begun again with the new characteristics.
   */
  void setTransaction(IsolationLevel isolation, Boolean readOnly) {
    checkUsable();
    requireExplicit("SET TRANSACTION");
    checkNotFailed();
    if (ranStatement) {
      throw new DatabaseException(SqlState.ACTIVE_TRANSACTION,
          "SET TRANSACTION ISOLATION LEVEL must be called before any query");
    }
    IsolationLevel iso = isolation != null ? isolation : tx.isolation();
    boolean ro = readOnly != null ? readOnly : tx.isReadOnly();
    endTransaction(false);
    begin(iso, ro);
  }

  // ---- SQL ------------------------------------------------------------------------------------

  /**
   * Runs one SQL statement (PostgreSQL dialect) with {@code $1, $2, ...} bound to {@code params}:
   * queries return their rows; every statement returns its command tag ("INSERT 0 3"). The plan
   * is cached by text and made again when the catalog changes. Errors are {@link DatabaseException}s
   * with their SQLSTATE; the session stays usable as after any failed statement.
   */
  public SqlResult execute(String sqlText, Object... params) {
    return sql().execute(sqlText, params);
  }

  /** A prepared statement for {@code sqlText}: parsed and planned now, re-planned when the catalog changes. */
  public PreparedStatement prepare(String sqlText) {
    return sql().prepare(sqlText);
  }

  SqlSession sql() {
    checkUsable();
    if (sql == null) {
      sql = new SqlSession(this);
    }
    return sql;
  }

  Database database() {
    return db;
  }

  /**
   * A statement failed before it could start (it did not parse or bind): inside an explicit
   * transaction that aborts the transaction, as any failed statement does in PostgreSQL.
   */
  void statementFailedEarly() {
    if (explicit) {
      failed = true;
    }
  }

  /** The explicit transaction, or null in autocommit (catalog lookups then see what is committed). */
  Transaction explicitTransaction() {
    return explicit ? tx : null;
  }

  void setWorkMem(long bytes) {
    if (bytes < 64 * 1024) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, bytes / 1024 + " kB is outside the valid range for"
          + " parameter \"work_mem\" (64 kB .. 2147483647 kB)");
    }
    workMemBytes = bytes;
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
    checkNoOpenCursor();
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
    checkNoOpenCursor();
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
    db.catalog().touch(); // DDL since the savepoint is undone: cached plans must not use it
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

  /**
   * CREATE TABLE with a PRIMARY KEY: the key columns become NOT NULL and a unique index named
   * {@code <table>_pkey} enforces the key.
   */
  public Table createTable(String name, List<Column> columns, List<String> primaryKey) {
    return createTable(name, columns, primaryKey, List.of());
  }

  /**
   * CREATE TABLE with an optional PRIMARY KEY (empty: none) and CHECK constraints, each
   * type-checked against the columns and named as PostgreSQL names it when unnamed (see
   * {@link CheckConstraint}); column DEFAULTs come with the columns ({@link Column#withDefault}).
   * All of it is one catalog change of this transaction: a rollback leaves nothing behind.
   */
  public Table createTable(String name, List<Column> columns, List<String> primaryKey, List<CheckConstraint> checks) {
    return statement(t -> {
      List<Column> cols = new ArrayList<>();
      for (Column c : columns) {
        cols.add(primaryKey.contains(c.name()) ? c.withNotNull() : c);
      }
      List<CheckConstraint> named = CheckDdl.define(name, cols, checks,
          primaryKey.isEmpty() ? java.util.Set.of() : java.util.Set.of(name + "_pkey"));
      Table tab = db.catalog().create(name, cols, named, t);
      if (primaryKey.isEmpty()) {
        return tab;
      }
      t.commandCounterIncrement(); // the index changes the catalog row just written: let it see the row
      return IndexDdl.create(db, t, tab, name + "_pkey", primaryKey, true, true);
    });
  }

  /** CREATE [UNIQUE] INDEX on the table's columns, named like PostgreSQL ({@code t_a_b_idx} or {@code _key}). */
  public Index createIndex(String table, List<String> columns, boolean unique) {
    return createIndex(table + "_" + String.join("_", columns) + (unique ? "_key" : "_idx"), table, columns, unique);
  }

  /**
   * CREATE [UNIQUE] INDEX name ON table (columns). Waits for running writers of the table and
   * keeps new ones out until this transaction ends (a SHARE lock), builds the tree over every row
   * version some snapshot may still see, and records it in the catalog, all inside this
   * transaction. 23505 if a unique index meets a duplicate; 42P07 if the name is taken.
   */
  public Index createIndex(String name, String table, List<String> columns, boolean unique) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.SHARE);
      return IndexDdl.create(db, t, tab, name, columns, unique, false).index(name).orElseThrow();
    });
  }

  /** DROP INDEX; a primary key's index cannot be dropped on its own (2BP01). */
  public void dropIndex(String name) {
    statement(t -> {
      Table owner = db.catalog().tableOfIndex(name, t).orElseThrow(() ->
          new DatabaseException(SqlState.UNDEFINED_OBJECT, "index \"" + name + "\" does not exist"));
      resolve(owner.name(), t, LockMode.ACCESS_EXCLUSIVE);
      return IndexDdl.drop(db, t, owner.name(), name);
    });
  }

  public void dropTable(String name) {
    statement(t -> {
      resolve(name, t, LockMode.ACCESS_EXCLUSIVE);
      return db.catalog().drop(name, t);
    });
  }

  /**
   * LOCK TABLE: takes {@code mode} on the table until the transaction ends. NOWAIT fails at once
   * with 55P03 instead of waiting.
   */
  public void lockTable(String name, LockMode mode, boolean nowait) {
    requireExplicit("LOCK TABLE");
    statement(t -> {
      Table tab = resolve(name, t);
      LockWait wait = nowait ? t.lockWait().withPolicy(LockWait.Policy.NOWAIT) : t.lockWait();
      try {
        db.transactions().locks().acquire(t.lockOwner(), LockTag.relation(tab.relation()), mode, wait);
      } catch (DatabaseException e) {
        if (nowait && SqlState.LOCK_NOT_AVAILABLE.equals(e.sqlState())) {
          throw new DatabaseException(SqlState.LOCK_NOT_AVAILABLE,
              "could not obtain lock on relation \"" + name + "\"", e);
        }
        throw e;
      }
      return null;
    });
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
    return statement(t -> insertRow(t, resolve(table, t, LockMode.ROW_EXCLUSIVE), values));
  }

  /**
   * Inserts one row giving only some columns, by name (a null value is NULL); every other column
   * takes its DEFAULT, or NULL when it has none. 42703 for a name that is not a column.
   */
  public RowId insert(String table, Map<String, Object> values) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.ROW_EXCLUSIVE);
      Object[] row = new Object[tab.columns().size()];
      boolean[] given = new boolean[row.length];
      for (Map.Entry<String, Object> e : values.entrySet()) {
        int i = tab.columnIndex(e.getKey());
        row[i] = e.getValue();
        given[i] = true;
      }
      for (int i = 0; i < row.length; i++) {
        if (!given[i]) {
          row[i] = ColumnDefaults.evaluate(tab.columns().get(i));
        }
      }
      return insertRow(t, tab, row);
    });
  }

  private RowId insertRow(Transaction t, Table tab, Object[] values) {
    CheckConstraints.of(tab).enforce(values);
    byte[] data = RowValues.encode(tab, values);
    Tid tid = db.heap().insert(tab.relation(), t, data);
    IndexMaintenance.addEntries(db, t, tab, values, tid);
    return RowId.of(tid, t.currentXid());
  }

  /**
   * ANALYZE: gathers the planner's statistics of {@code table} (row count, pages, and per column
   * null fraction, distinct values, most common values, histogram, correlation) from the rows
   * this statement sees. Takes SHARE UPDATE EXCLUSIVE, as vacuum does: readers and writers go on.
   */
  public dev.parallax.sql.stats.TableStatistics analyze(String table) {
    return statement(t -> Analyze.run(db, t, resolve(table, t, LockMode.SHARE_UPDATE_EXCLUSIVE),
        dev.parallax.sql.stats.StatisticsBuilder.DEFAULT_TARGET));
  }

  /** The statistics of {@code table} from its last ANALYZE, if any. */
  public Optional<dev.parallax.sql.stats.TableStatistics> statistics(String table) {
    return statement(t -> Optional.ofNullable(db.statistics().get(resolve(table, t).relation())));
  }

  /** Every row visible to this statement's snapshot, in physical order. */
  public List<Row> scan(String table) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.ACCESS_SHARE);
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

  /**
   * The visible rows whose leading index columns equal {@code key} (an equality lookup through
   * the index), in index order.
   */
  public List<Row> lookup(String table, String index, Object... key) {
    return indexScan(table, index, KeyRange.equal(key), true);
  }

  /** The visible rows within {@code range} of the index, in index order or reversed. */
  public List<Row> indexScan(String table, String index, KeyRange range, boolean forward) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.ACCESS_SHARE);
      return IndexScans.rows(db, t, tab, indexOf(tab, index), range, forward);
    });
  }

  /** The index keys of the visible rows within {@code range}, read from the index (see {@link IndexOnlyResult}). */
  public IndexOnlyResult indexOnlyScan(String table, String index, KeyRange range, boolean forward) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.ACCESS_SHARE);
      return IndexScans.keys(db, t, tab, indexOf(tab, index), range, forward);
    });
  }

  private static Index indexOf(Table tab, String index) {
    return tab.index(index).orElseThrow(() -> new DatabaseException(SqlState.UNDEFINED_OBJECT,
        "index \"" + index + "\" of relation \"" + tab.name() + "\" does not exist"));
  }

  /** The row version at {@code id} if this statement's snapshot sees it, else null. */
  public Row fetch(String table, RowId id) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.ACCESS_SHARE);
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
      Table tab = resolve(table, t, LockMode.ROW_EXCLUSIVE);
      int[] idx = new int[changes.size()];
      Object[] vals = new Object[changes.size()];
      int i = 0;
      for (Map.Entry<String, Object> e : changes.entrySet()) {
        idx[i] = tab.columnIndex(e.getKey());
        vals[i++] = e.getValue();
      }
      Object[][] written = new Object[1][];
      CheckConstraints checks = CheckConstraints.of(tab);
      HeapResult r = RowChange.apply(db, t, tab, id, RowLockStrength.FOR_NO_KEY_UPDATE.tableMode(),
          LockWait.Policy.BLOCK, (tid, current) -> {
        Object[] before = current.values(tab.types());
        Object[] row = before.clone();
        for (int k = 0; k < idx.length; k++) {
          row[idx[k]] = vals[k];
        }
        checks.enforce(row);
        written[0] = row;
        return db.heap().update(tab.relation(), tid, RowValues.encode(tab, row), t,
            IndexMaintenance.hotAllowed(tab, before, row));
      });
      if (r == null) {
        return null;
      }
      IndexMaintenance.addEntriesAfterUpdate(db, t, tab, written[0], r);
      return RowId.of(r.newTid(), t.currentXid());
    });
  }

  /** Deletes the row at {@code id}; false if there was no such visible row. */
  public boolean delete(String table, RowId id) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.ROW_EXCLUSIVE);
      HeapResult r = RowChange.apply(db, t, tab, id, RowLockStrength.FOR_UPDATE.tableMode(), LockWait.Policy.BLOCK,
          (tid, current) -> db.heap().delete(tab.relation(), tid, t));
      return r != null;
    });
  }

  /**
   * Locks the row against concurrent updates until the transaction ends (SELECT ... FOR UPDATE)
   * and returns the version locked (under READ COMMITTED, the newest one), or null if gone.
   */
  public Row lockRow(String table, RowId id) {
    return lockRow(table, id, RowLockStrength.FOR_UPDATE, LockWait.Policy.BLOCK);
  }

  /**
   * SELECT ... FOR {@code strength} [NOWAIT | SKIP LOCKED] of one row. NOWAIT fails with 55P03
   * when the row is locked or being changed; SKIP LOCKED returns null for it. (The heap keeps one
   * locker per row version, so every strength currently excludes the others.)
   */
  public Row lockRow(String table, RowId id, RowLockStrength strength, LockWait.Policy policy) {
    return statement(t -> {
      Table tab = resolve(table, t, LockMode.ROW_SHARE);
      Tid[] locked = new Tid[1];
      HeapResult r = RowChange.apply(db, t, tab, id, strength.tableMode(), policy, (tid, current) -> {
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

  // ---- plans ----------------------------------------------------------------------------------

  /**
   * Runs a physical plan (built with {@code dev.parallax.executor.plan.PlanBuilder}) as one
   * statement with the given parameters; rows stream through the cursor. The statement (and, in
   * autocommit, its transaction) lasts until the cursor is closed, and no other statement may run
   * in this session meanwhile. Every relation the plan scans is locked ACCESS SHARE.
   */
  public QueryCursor run(Plan plan, Object... params) {
    boolean auto = beginStatement();
    try {
      PlanSupport.lockScanned(db, plan, tx);
      QueryCursor cursor = Executor.open(plan, PlanSupport.context(db, tx, params, false).withWorkMem(workMemBytes));
      openCursor = true;
      cursor.onClose(ok -> {
        openCursor = false;
        statementRunning = false;
        if (ok) {
          tx.commandCounterIncrement();
          if (auto) {
            endTransaction(true);
          }
        } else if (auto) {
          endTransaction(false);
        } else {
          failed = true;
        }
      });
      return cursor;
    } catch (RuntimeException e) {
      statementRunning = false;
      if (auto) {
        endTransaction(false);
      } else {
        failed = true;
      }
      throw e;
    }
  }

  /** EXPLAIN ANALYZE: runs the plan to the end and returns the tree with estimates and actual figures. */
  public String explainAnalyze(Plan plan, Object... params) {
    return statement(t -> {
      PlanSupport.lockScanned(db, plan, t);
      PlanState root = Executor.start(plan, PlanSupport.context(db, t, params, true).withWorkMem(workMemBytes));
      try {
        while (root.next() != null) {
          // drain: the figures are what we want
        }
        return Explain.analyzed(root);
      } finally {
        Executor.end(root);
      }
    });
  }

  // ---- statement frame ------------------------------------------------------------------------

  @FunctionalInterface
  interface Body<T> {
    T run(Transaction t);
  }

  /**
   * Starts a statement: checks the session can run one, begins the autocommit transaction if
   * there is no explicit one (returned true then), sets the lock waits and takes the statement's
   * snapshot (READ COMMITTED: each statement sees what committed before it began).
   */
  private boolean beginStatement() {
    checkUsable();
    checkNotFailed();
    checkNoOpenCursor();
    boolean auto = !explicit;
    if (auto) {
      tx = db.transactions().begin(db.settings().defaultIsolation(), false, lockOwner);
    }
    lockOwner.clearCancelRequest(); // one meant for an earlier statement
    statementRunning = true;
    try {
      long deadline = statementTimeoutMillis == 0 ? 0 : System.nanoTime() + statementTimeoutMillis * 1_000_000;
      tx.setLockWait(deadline == 0 ? untimedWait() : new LockWait(LockWait.Policy.BLOCK, lockTimeoutMillis, deadline,
          deadlockTimeoutMillis));
      tx.startStatement();
      ranStatement = true;
    } catch (RuntimeException e) {
      statementRunning = false;
      if (auto) {
        endTransaction(false);
      }
      throw e;
    }
    return auto;
  }

  /** The lock waits of statements without statement_timeout: one value while the settings stay. */
  private LockWait untimedWait() {
    LockWait w = untimedWait;
    if (w == null || w.lockTimeoutMillis() != lockTimeoutMillis || w.deadlockTimeoutMillis() != deadlockTimeoutMillis) {
      w = new LockWait(LockWait.Policy.BLOCK, lockTimeoutMillis, 0, deadlockTimeoutMillis);
      untimedWait = w;
    }
    return w;
  }

  private <T> T statement(Body<T> body) {
    boolean auto = beginStatement();
    try {
      T result;
      try {
        result = body.run(tx);
      } finally {
        statementRunning = false;
      }
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

  /**
   * Resolves {@code name} and locks the table in {@code mode} until the transaction ends. Looked
   * up again after the lock: a DROP that committed while we waited means there is no such table.
   */
  private Table resolve(String name, Transaction t, LockMode mode) {
    Table tab = resolve(name, t);
    db.transactions().locks().acquire(t.lockOwner(), LockTag.relation(tab.relation()), mode, t.lockWait());
    Table again = resolve(name, t);
    if (again.relation() != tab.relation()) {
      throw new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" was dropped and recreated");
    }
    return again;
  }

  private Table resolve(String name, Transaction t) {
    return db.catalog().lookup(name, t).orElseThrow(() ->
        new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist"));
  }

  private void checkNoOpenCursor() {
    if (openCursor) {
      throw new DatabaseException(SqlState.OBJECT_IN_USE, "a plan's cursor is still open in this session: close it first");
    }
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
    db.transactions().locks().retire(lockOwner);
  }
}
