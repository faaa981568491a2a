package dev.parallax.sql;

import dev.parallax.executor.plan.Plan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.lock.LockMode;
import java.util.List;

/**
 * One compiled statement. Queries and DML are executor plans ({@link Query}); everything else is
 * a record that says what the api must do (create a table, begin a transaction, set a setting),
 * because only the api can change the catalog or the session. All records are immutable, so a
 * compiled statement can be cached and shared.
 */
public sealed interface SqlStatement {
  /** The statement's command tag word ("SELECT", "CREATE TABLE"), as PostgreSQL reports it. */
  String tag();

  /** What a query or DML statement is, for its command tag. */
  enum Kind { SELECT, INSERT, UPDATE, DELETE }

  /**
   * A plan to run. {@code columnNames} / {@code columnTypes} describe the rows it returns
   * (empty for DML without RETURNING, whose plan returns one empty row per changed row, so the
   * caller counts them). {@code paramTypes}: the type each $n parameter was given by its context.
   */
  record Query(Plan plan, Kind kind, boolean returnsRows, List<String> columnNames, List<ColumnType> columnTypes,
      List<ColumnType> paramTypes) implements SqlStatement {
    public Query {
      columnNames = List.copyOf(columnNames);
      columnTypes = List.copyOf(columnTypes);
      paramTypes = List.copyOf(paramTypes);
    }

    @Override
    public String tag() {
      return kind.name();
    }
  }

  /** EXPLAIN [ANALYZE]: print the plan (ANALYZE: run it first, and roll back nothing: as PostgreSQL). */
  record Explain(Query query, boolean analyze) implements SqlStatement {
    @Override
    public String tag() {
      return "EXPLAIN";
    }
  }

  /** CREATE TABLE: columns, the primary key's columns (empty if none), and each UNIQUE constraint's columns. */
  record CreateTable(String name, List<SqlCatalog.Column> columns, List<String> primaryKey, List<List<String>> uniques,
      boolean ifNotExists, List<Check> checks) implements SqlStatement {
    public CreateTable {
      columns = List.copyOf(columns);
      primaryKey = List.copyOf(primaryKey);
      uniques = uniques.stream().map(List::copyOf).toList();
      checks = List.copyOf(checks);
    }

    public CreateTable(String name, List<SqlCatalog.Column> columns, List<String> primaryKey, List<List<String>> uniques,
        boolean ifNotExists) {
      this(name, columns, primaryKey, uniques, ifNotExists, List.of());
    }

    @Override
    public String tag() {
      return "CREATE TABLE";
    }
  }

  /** CREATE [UNIQUE] INDEX [name] ON table (columns); {@code name} null: PostgreSQL's default name. */
  record CreateIndex(String name, String table, List<String> columns, boolean unique, boolean ifNotExists)
      implements SqlStatement {
    public CreateIndex {
      columns = List.copyOf(columns);
    }

    @Override
    public String tag() {
      return "CREATE INDEX";
    }
  }

  record DropTable(List<String> names, boolean ifExists) implements SqlStatement {
    public DropTable {
      names = List.copyOf(names);
    }

    @Override
    public String tag() {
      return "DROP TABLE";
    }
  }

  record DropIndex(List<String> names, boolean ifExists) implements SqlStatement {
    public DropIndex {
      names = List.copyOf(names);
    }

    @Override
    public String tag() {
      return "DROP INDEX";
    }
  }

  /**
   * BEGIN / START TRANSACTION. Null fields were not given (the session's defaults apply).
   * {@code deferrable} is accepted and recorded; it only changes when a SERIALIZABLE READ ONLY
   * transaction may start, which the engine does not distinguish yet.
   */
  record Begin(IsolationLevel isolation, Boolean readOnly, Boolean deferrable) implements SqlStatement {
    @Override
    public String tag() {
      return "BEGIN";
    }
  }

  /** SET TRANSACTION: the same options, for the transaction already begun (before its first query). */
  record SetTransaction(IsolationLevel isolation, Boolean readOnly, Boolean deferrable) implements SqlStatement {
    @Override
    public String tag() {
      return "SET";
    }
  }

  record Commit() implements SqlStatement {
    @Override
    public String tag() {
      return "COMMIT";
    }
  }

  record Rollback() implements SqlStatement {
    @Override
    public String tag() {
      return "ROLLBACK";
    }
  }

  record Savepoint(String name) implements SqlStatement {
    @Override
    public String tag() {
      return "SAVEPOINT";
    }
  }

  record ReleaseSavepoint(String name) implements SqlStatement {
    @Override
    public String tag() {
      return "RELEASE";
    }
  }

  record RollbackToSavepoint(String name) implements SqlStatement {
    @Override
    public String tag() {
      return "ROLLBACK";
    }
  }

  /** SET name = value / SET name TO value; {@code value} null for DEFAULT. Names are lower case. */
  record SetVariable(String name, String value) implements SqlStatement {
    @Override
    public String tag() {
      return "SET";
    }
  }

  /** SHOW name (lower case). */
  record Show(String name) implements SqlStatement {
    @Override
    public String tag() {
      return "SHOW";
    }
  }

  /** VACUUM [table]; {@code table} null: every table. */
  record Vacuum(String table) implements SqlStatement {
    @Override
    public String tag() {
      return "VACUUM";
    }
  }

  /** A CHECK constraint of CREATE TABLE: its name (null: the catalog names it) and predicate over the table's columns. */
  record Check(String name, dev.parallax.executor.plan.Expr predicate) {}

  /** ANALYZE [table]; {@code table} null: every table. */
  record Analyze(String table) implements SqlStatement {
    @Override
    public String tag() {
      return "ANALYZE";
    }
  }

  /** LOCK [TABLE] t [, ...] [IN mode MODE] [NOWAIT]; the mode defaults to ACCESS EXCLUSIVE. */
  record LockTable(List<String> tables, LockMode mode, boolean nowait) implements SqlStatement {
    public LockTable {
      tables = List.copyOf(tables);
    }

    @Override
    public String tag() {
      return "LOCK TABLE";
    }
  }
}
