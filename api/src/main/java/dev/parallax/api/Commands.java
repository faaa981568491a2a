package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.SqlStatement;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out the command records of the SQL front end with the session's own operations:
 * DDL, transaction control, SET / SHOW, VACUUM, ANALYZE and LOCK. Where PostgreSQL answers with
 * a warning rather than an error (COMMIT with no transaction, BEGIN inside one, DROP ... IF
 * EXISTS of a missing table) the result carries the notice and the command tag.
 */
final class Commands {
  private Commands() {}

  static SqlResult run(Session s, SqlSession.Settings settings, SqlStatement st) {
    List<String> notices = new ArrayList<>();
    String tag = st.tag();
    if (st instanceof SqlStatement.CreateTable c) {
      if (c.ifNotExists() && s.table(c.name()).isPresent()) {
        notices.add("NOTICE:  relation \"" + c.name() + "\" already exists, skipping");
      } else {
        atomically(s, () -> createTable(s, c));
      }
    } else if (st instanceof SqlStatement.CreateIndex c) {
      String name = c.name() != null ? c.name() : c.table() + "_" + String.join("_", c.columns()) + "_idx";
      boolean exists = s.tables().stream().anyMatch(t -> t.index(name).isPresent());
      if (c.ifNotExists() && exists) {
        notices.add("NOTICE:  relation \"" + name + "\" already exists, skipping");
      } else {
        s.createIndex(name, c.table(), c.columns(), c.unique());
      }
    } else if (st instanceof SqlStatement.DropTable d) {
      atomically(s, () -> {
        for (String name : d.names()) {
          if (d.ifExists() && s.table(name).isEmpty()) {
            notices.add("NOTICE:  table \"" + name + "\" does not exist, skipping");
          } else {
            s.dropTable(name);
          }
        }
      });
    } else if (st instanceof SqlStatement.DropIndex d) {
      atomically(s, () -> {
        for (String name : d.names()) {
          boolean exists = s.tables().stream().anyMatch(t -> t.index(name).isPresent());
          if (d.ifExists() && !exists) {
            notices.add("NOTICE:  index \"" + name + "\" does not exist, skipping");
          } else {
            s.dropIndex(name);
          }
        }
      });
    } else if (st instanceof SqlStatement.Begin b) {
      if (s.inTransaction()) {
        notices.add("WARNING:  there is already a transaction in progress");
      } else {
        s.begin(SqlSession.isolationOr(b.isolation(), s.isolation()), b.readOnly() != null && b.readOnly());
      }
    } else if (st instanceof SqlStatement.SetTransaction t) {
      if (!s.inTransaction()) {
        notices.add("WARNING:  SET TRANSACTION can only be used in transaction blocks");
      } else {
        s.setTransaction(t.isolation(), t.readOnly());
      }
    } else if (st instanceof SqlStatement.Commit) {
      if (!s.inTransaction()) {
        notices.add("WARNING:  there is no transaction in progress");
      } else {
        try {
          s.commit();
        } catch (DatabaseException e) {
          if (!SqlState.IN_FAILED_TRANSACTION.equals(e.sqlState())) {
            throw e;
          }
          tag = "ROLLBACK"; // a failed transaction's COMMIT rolls it back, as in PostgreSQL
        }
      }
    } else if (st instanceof SqlStatement.Rollback) {
      if (!s.inTransaction()) {
        notices.add("WARNING:  there is no transaction in progress");
      } else {
        s.rollback();
      }
    } else if (st instanceof SqlStatement.Savepoint sp) {
      requireBlock(s, "SAVEPOINT");
      s.savepoint(sp.name());
    } else if (st instanceof SqlStatement.ReleaseSavepoint r) {
      requireBlock(s, "RELEASE SAVEPOINT");
      s.releaseSavepoint(r.name());
    } else if (st instanceof SqlStatement.RollbackToSavepoint r) {
      requireBlock(s, "ROLLBACK TO SAVEPOINT");
      s.rollbackToSavepoint(r.name());
    } else if (st instanceof SqlStatement.SetVariable v) {
      settings.set(s, v.name(), v.value());
    } else if (st instanceof SqlStatement.Show sh) {
      String value = settings.show(s, sh.name());
      return new SqlResult(List.of(sh.name()), List.of(ColumnType.TEXT), List.<Object[]>of(new Object[] {value}), "SHOW", 1,
          List.of());
    } else if (st instanceof SqlStatement.Vacuum v) {
      if (s.inTransaction()) {
        throw new DatabaseException(SqlState.ACTIVE_TRANSACTION, "VACUUM cannot run inside a transaction block");
      }
      if (v.table() == null) {
        s.database().vacuum();
      } else {
        Table t = s.table(v.table()).orElseThrow(() -> undefined(v.table()));
        Vacuum.run(s.database(), List.of(t), true);
      }
    } else if (st instanceof SqlStatement.Analyze a) {
      if (a.table() != null) {
        s.table(a.table()).orElseThrow(() -> undefined(a.table()));
        s.analyze(a.table());
      } else {
        for (Table t : s.tables()) {
          s.analyze(t.name());
        }
      }
    } else if (st instanceof SqlStatement.LockTable l) {
      requireBlock(s, "LOCK TABLE");
      for (String name : l.tables()) {
        s.lockTable(name, l.mode(), l.nowait());
      }
    } else {
      throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "feature not supported: " + st.tag());
    }
    return SqlResult.command(tag, notices);
  }

  private static DatabaseException undefined(String table) {
    return new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + table + "\" does not exist");
  }

  private static void requireBlock(Session s, String what) {
    if (!s.inTransaction()) {
      throw new DatabaseException(SqlState.NO_ACTIVE_TRANSACTION, what + " can only be used in transaction blocks");
    }
  }

  private static void createTable(Session s, SqlStatement.CreateTable c) {
    List<Column> columns = new ArrayList<>();
    for (SqlCatalog.Column col : c.columns()) {
      columns.add(new Column(col.name(), col.type(), col.notNull(), col.defaultValue()));
    }
    List<CheckConstraint> checks = new ArrayList<>();
    for (SqlStatement.Check k : c.checks()) {
      checks.add(k.name() == null ? CheckConstraint.of(k.predicate()) : CheckConstraint.named(k.name(), k.predicate()));
    }
    s.createTable(c.name(), columns, c.primaryKey(), checks);
    for (List<String> unique : c.uniques()) {
      s.createIndex(c.name(), unique, true);
    }
  }

  /** Runs {@code body} in one transaction: the session's, or one of its own in autocommit. */
  private static void atomically(Session s, Runnable body) {
    if (s.inTransaction()) {
      body.run();
      return;
    }
    s.begin();
    try {
      body.run();
    } catch (RuntimeException e) {
      s.rollback();
      throw e;
    }
    s.commit();
  }
}
