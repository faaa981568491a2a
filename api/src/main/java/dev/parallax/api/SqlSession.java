package dev.parallax.api;

import dev.parallax.executor.exec.Explain;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.PlanCache;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.SqlCodes;
import dev.parallax.sql.SqlFrontEnd;
import dev.parallax.sql.SqlStatement;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a session does with SQL: compiles statements through the front end (with this session's
 * plan cache), runs plans as statements of the session, and carries out the command records
 * (DDL, transaction control, SET / SHOW, VACUUM, LOCK) with the session's own operations, so they
 * follow the same transaction, locking and error rules as the Java API.
 *
 * <p>Statements that make several catalog changes (CREATE TABLE with UNIQUE constraints, DROP
 * TABLE of several tables) run in one transaction of their own in autocommit, so they happen
 * entirely or not at all.
 */
final class SqlSession {
  private static final int CACHE_SIZE = 256;

  private final Session session;
  private final PlanCache cache = new PlanCache(CACHE_SIZE);
  private final Settings settings = new Settings();

  SqlSession(Session session) {
    this.session = session;
    SqlFrontEnd.warmUp();
  }

  private SqlCatalog catalog() {
    return new SqlCatalogView(session.database(), session.explicitTransaction());
  }

  SqlResult execute(String sql, Object... params) {
    SqlStatement st;
    try {
      st = cache.get(sql, catalog());
    } catch (DatabaseException e) {
      session.statementFailedEarly();
      throw e;
    }
    return run(st, params);
  }

  PreparedStatement prepare(String sql) {
    SqlCatalog c = catalog();
    long version = c.version();
    return new PreparedStatement(this, sql, SqlFrontEnd.compile(sql, c), version);
  }

  SqlResult run(PreparedStatement p, Object... params) {
    SqlCatalog c = catalog();
    long version = c.version();
    if (version != p.version()) {
      try {
        p.replan(SqlFrontEnd.compile(p.sql(), c), version);
      } catch (DatabaseException e) {
        session.statementFailedEarly();
        throw e;
      }
    }
    return run(p.compiled(), params);
  }

  /** Whether the plan cache holds {@code sql} for the current catalog (for tests). */
  boolean cached(String sql) {
    return cache.holds(sql, catalog().version());
  }

  private SqlResult run(SqlStatement st, Object[] params) {
    if (st instanceof SqlStatement.Query q) {
      return query(q, params);
    }
    if (st instanceof SqlStatement.Explain e) {
      Object[] args = bind(e.query().paramTypes(), params);
      String text = e.analyze() ? session.explainAnalyze(e.query().plan(), args) : Explain.plan(e.query().plan());
      List<Object[]> rows = new ArrayList<>();
      for (String line : text.split("\n")) {
        rows.add(new Object[] {line});
      }
      return new SqlResult(List.of("QUERY PLAN"), List.of(ColumnType.TEXT), rows, "EXPLAIN", rows.size(), List.of());
    }
    requireNoParams(params);
    return Commands.run(session, settings, st);
  }

  private SqlResult query(SqlStatement.Query q, Object[] params) {
    Object[] args;
    try {
      args = bind(q.paramTypes(), params);
    } catch (DatabaseException e) {
      session.statementFailedEarly();
      throw e;
    }
    List<Object[]> rows = new ArrayList<>();
    long n = 0;
    try (QueryCursor c = session.run(q.plan(), args)) {
      while (c.next()) {
        n++;
        if (q.returnsRows()) {
          rows.add(c.row());
        }
      }
    }
    String tag = switch (q.kind()) {
      case SELECT -> "SELECT " + n;
      case INSERT -> "INSERT 0 " + n;
      case UPDATE -> "UPDATE " + n;
      case DELETE -> "DELETE " + n;
    };
    return new SqlResult(q.columnNames(), q.columnTypes(), rows, tag, n, List.of());
  }

  private static void requireNoParams(Object[] params) {
    if (params != null && params.length > 0) {
      throw new DatabaseException(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + params.length
          + " parameters, but the statement takes none");
    }
  }

  /** The arguments converted to the types the statement gave its parameters (a Java int for a bigint, and so on). */
  static Object[] bind(List<ColumnType> types, Object[] params) {
    Object[] in = params == null ? new Object[0] : params;
    if (in.length != types.size()) {
      throw new DatabaseException(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + in.length
          + " parameters, but prepared statement requires " + types.size());
    }
    Object[] out = new Object[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = convert(in[i], types.get(i), i + 1);
    }
    return out;
  }

  private static Object convert(Object v, ColumnType t, int n) {
    if (v == null || t.javaType().isInstance(v)) {
      return v;
    }
    if (v instanceof Number num && !(v instanceof BigDecimal) && !(v instanceof Double) && !(v instanceof Float)) {
      long l = num.longValue();
      switch (t) {
        case INTEGER -> {
          if (l == (int) l) {
            return (int) l;
          }
          throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range for parameter $" + n);
        }
        case BIGINT -> {
          return l;
        }
        case NUMERIC -> {
          return BigDecimal.valueOf(l);
        }
        case DOUBLE -> {
          return (double) l;
        }
        default -> { }
      }
    }
    if ((v instanceof Double || v instanceof Float) && t == ColumnType.DOUBLE) {
      return ((Number) v).doubleValue();
    }
    if ((v instanceof Double || v instanceof Float) && t == ColumnType.NUMERIC) {
      return BigDecimal.valueOf(((Number) v).doubleValue());
    }
    if (v instanceof BigDecimal d && t == ColumnType.DOUBLE) {
      return d.doubleValue();
    }
    throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "parameter $" + n + " is of type " + t.sqlName()
        + ", not " + v.getClass().getSimpleName());
  }

  /** The SQL settings of the session, as SET stores them and SHOW prints them. */
  static final class Settings {
    long workMemKb = 4096;
    long deadlockTimeoutMs = 1000;
    long lockTimeoutMs;
    long statementTimeoutMs;

    static final List<String> NAMES = List.of("work_mem", "deadlock_timeout", "lock_timeout", "statement_timeout");

    void set(Session s, String name, String value) {
      switch (name) {
        case "work_mem" -> {
          long kb = value == null ? 4096 : memoryKb(name, value);
          s.setWorkMem(kb * 1024);
          workMemKb = kb;
        }
        case "deadlock_timeout" -> {
          long ms = value == null ? 1000 : millis(name, value);
          s.setDeadlockTimeout(Duration.ofMillis(ms));
          deadlockTimeoutMs = ms;
        }
        case "lock_timeout" -> {
          long ms = value == null ? 0 : millis(name, value);
          s.setLockTimeout(Duration.ofMillis(ms));
          lockTimeoutMs = ms;
        }
        case "statement_timeout" -> {
          long ms = value == null ? 0 : millis(name, value);
          s.setStatementTimeout(Duration.ofMillis(ms));
          statementTimeoutMs = ms;
        }
        default -> throw unrecognized(name);
      }
    }

    String show(Session s, String name) {
      return switch (name) {
        case "work_mem" -> memory(workMemKb);
        case "deadlock_timeout" -> time(deadlockTimeoutMs);
        case "lock_timeout" -> time(lockTimeoutMs);
        case "statement_timeout" -> time(statementTimeoutMs);
        case "transaction_isolation" -> s.isolation().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        default -> throw unrecognized(name);
      };
    }

    private static DatabaseException unrecognized(String name) {
      return new DatabaseException(SqlCodes.UNRECOGNIZED_SETTING, "unrecognized configuration parameter \"" + name + "\"");
    }

    private static DatabaseException invalid(String name, String value, String hint) {
      return new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, "invalid value for parameter \"" + name + "\": \""
          + value + "\"" + hint);
    }

    static long memoryKb(String name, String value) {
      String v = value.trim();
      String digits = v.replaceAll("[^0-9].*$", "");
      String unit = v.substring(digits.length()).trim();
      if (digits.isEmpty()) {
        throw invalid(name, value, "");
      }
      long n = Long.parseLong(digits);
      return switch (unit) {
        case "", "kB" -> n;
        case "MB" -> n * 1024;
        case "GB" -> n * 1024 * 1024;
        default -> throw invalid(name, value, " (valid units are \"kB\", \"MB\" and \"GB\")");
      };
    }

    static long millis(String name, String value) {
      String v = value.trim();
      String digits = v.replaceAll("[^0-9].*$", "");
      String unit = v.substring(digits.length()).trim();
      if (digits.isEmpty()) {
        throw invalid(name, value, "");
      }
      long n = Long.parseLong(digits);
      return switch (unit) {
        case "", "ms" -> n;
        case "s" -> n * 1000;
        case "min" -> n * 60_000;
        case "h" -> n * 3_600_000;
        default -> throw invalid(name, value, " (valid units are \"ms\", \"s\", \"min\" and \"h\")");
      };
    }

    static String memory(long kb) {
      if (kb % (1024 * 1024) == 0) {
        return kb / (1024 * 1024) + "GB";
      }
      return kb % 1024 == 0 ? kb / 1024 + "MB" : kb + "kB";
    }

    static String time(long ms) {
      if (ms == 0) {
        return "0";
      }
      if (ms % 3_600_000 == 0) {
        return ms / 3_600_000 + "h";
      }
      if (ms % 60_000 == 0) {
        return ms / 60_000 + "min";
      }
      return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
  }

  static IsolationLevel isolationOr(IsolationLevel i, IsolationLevel dflt) {
    return i == null ? dflt : i;
  }
}
