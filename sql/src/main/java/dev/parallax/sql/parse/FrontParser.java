package dev.parallax.sql.parse;

import dev.parallax.sql.SqlStatement;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.lock.LockMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The hand-written parser for transaction and utility statements, tried before JSqlParser
 * (which does not parse BEGIN with options, START TRANSACTION ISOLATION LEVEL, SET TRANSACTION,
 * RELEASE SAVEPOINT, LOCK TABLE, VACUUM or ANALYZE, and whose SET / SHOW forms are looser than
 * ours). It decides by the first word: {@link #parse} returns null for a statement it does not
 * own, which then goes to JSqlParser. Its grammar is PostgreSQL's for these statements:
 *
 * <pre>
 * BEGIN [WORK | TRANSACTION] [mode [, ...]]      START TRANSACTION [mode [, ...]]
 * SET TRANSACTION mode [, ...]                    mode: ISOLATION LEVEL {SERIALIZABLE |
 *   REPEATABLE READ | READ COMMITTED | READ UNCOMMITTED} | READ WRITE | READ ONLY | [NOT] DEFERRABLE
 * COMMIT | END [WORK | TRANSACTION]               ROLLBACK | ABORT [WORK | TRANSACTION]
 * SAVEPOINT x    RELEASE [SAVEPOINT] x            ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] x
 * LOCK [TABLE] [ONLY] t [, ...] [IN lockmode MODE] [NOWAIT]
 * VACUUM [ANALYZE] [t]     ANALYZE [t]            SET [SESSION] x {= | TO} {v | DEFAULT}
 * RESET x                  SHOW x
 * </pre>
 */
public final class FrontParser {
  private static final Set<String> OWNED = Set.of("begin", "start", "commit", "end", "rollback", "abort", "savepoint",
      "release", "lock", "vacuum", "analyze", "set", "reset", "show");

  private FrontParser() {}

  /** The statement, or null when the statement is not one this parser owns. */
  public static SqlStatement parse(String sql) {
    Tokens t = Tokens.of(sql);
    Tokens.Token first = t.peek();
    if (first.kind() != Tokens.Kind.WORD || !OWNED.contains(first.text())) {
      return null;
    }
    t.take();
    SqlStatement s = switch (first.text()) {
      case "begin" -> {
        if (!t.accept("work")) {
          t.accept("transaction");
        }
        yield begin(t);
      }
      case "start" -> {
        t.expect("transaction");
        yield begin(t);
      }
      case "commit", "end" -> {
        workOrTransaction(t);
        noChain(t);
        yield new SqlStatement.Commit();
      }
      case "rollback", "abort" -> {
        workOrTransaction(t);
        if (first.text().equals("rollback") && t.accept("to")) {
          t.accept("savepoint");
          yield new SqlStatement.RollbackToSavepoint(t.identifier());
        }
        noChain(t);
        yield new SqlStatement.Rollback();
      }
      case "savepoint" -> new SqlStatement.Savepoint(t.identifier());
      case "release" -> {
        t.accept("savepoint");
        yield new SqlStatement.ReleaseSavepoint(t.identifier());
      }
      case "lock" -> lock(t);
      case "vacuum" -> vacuum(t);
      case "analyze" -> new SqlStatement.Analyze(t.atEnd() ? null : t.identifier());
      case "set" -> set(t);
      case "reset" -> new SqlStatement.SetVariable(setting(t), null);
      default -> {
        if (t.peek().isWord("all")) {
          throw unsupported("SHOW ALL");
        }
        yield new SqlStatement.Show(setting(t));
      }
    };
    t.expectEnd();
    return s;
  }

  private static void workOrTransaction(Tokens t) {
    if (!t.accept("work")) {
      t.accept("transaction");
    }
  }

  private static void noChain(Tokens t) {
    if (t.accept("and")) {
      if (t.accept("no")) {
        t.expect("chain");
        return;
      }
      t.expect("chain");
      throw unsupported("AND CHAIN");
    }
  }

  private static SqlStatement begin(Tokens t) {
    Modes m = modes(t, false);
    return new SqlStatement.Begin(m.isolation, m.readOnly, m.deferrable);
  }

  /** The transaction modes of BEGIN / START TRANSACTION / SET TRANSACTION, comma-separated or not. */
  private static Modes modes(Tokens t, boolean atLeastOne) {
    Modes m = new Modes();
    boolean any = false;
    while (true) {
      if (t.accept("isolation")) {
        t.expect("level");
        if (t.accept("serializable")) {
          m.isolation = IsolationLevel.SERIALIZABLE;
        } else if (t.accept("repeatable")) {
          t.expect("read");
          m.isolation = IsolationLevel.REPEATABLE_READ;
        } else if (t.accept("read")) {
          if (!t.accept("committed")) {
            t.expect("uncommitted"); // behaves as READ COMMITTED, as in PostgreSQL
          }
          m.isolation = IsolationLevel.READ_COMMITTED;
        } else {
          throw t.unexpected();
        }
      } else if (t.peek().isWord("read") && (t.peek(1).isWord("only") || t.peek(1).isWord("write"))) {
        t.take();
        m.readOnly = t.take().text().equals("only");
      } else if (t.accept("not")) {
        t.expect("deferrable");
        m.deferrable = false;
      } else if (t.accept("deferrable")) {
        m.deferrable = true;
      } else {
        if (atLeastOne && !any) {
          throw t.unexpected();
        }
        return m;
      }
      any = true;
      t.acceptSymbol(",");
    }
  }

  private static final class Modes {
    IsolationLevel isolation;
    Boolean readOnly;
    Boolean deferrable;
  }

  private static SqlStatement lock(Tokens t) {
    t.accept("table");
    t.accept("only");
    List<String> tables = new ArrayList<>();
    do {
      tables.add(t.identifier());
    } while (t.acceptSymbol(","));
    LockMode mode = LockMode.ACCESS_EXCLUSIVE;
    if (t.accept("in")) {
      mode = lockMode(t);
      t.expect("mode");
    }
    boolean nowait = t.accept("nowait");
    return new SqlStatement.LockTable(tables, mode, nowait);
  }

  private static LockMode lockMode(Tokens t) {
    if (t.accept("access")) {
      if (t.accept("share")) {
        return LockMode.ACCESS_SHARE;
      }
      t.expect("exclusive");
      return LockMode.ACCESS_EXCLUSIVE;
    }
    if (t.accept("row")) {
      if (t.accept("share")) {
        return LockMode.ROW_SHARE;
      }
      t.expect("exclusive");
      return LockMode.ROW_EXCLUSIVE;
    }
    if (t.accept("share")) {
      if (t.accept("update")) {
        t.expect("exclusive");
        return LockMode.SHARE_UPDATE_EXCLUSIVE;
      }
      if (t.accept("row")) {
        t.expect("exclusive");
        return LockMode.SHARE_ROW_EXCLUSIVE;
      }
      return LockMode.SHARE;
    }
    t.expect("exclusive");
    return LockMode.EXCLUSIVE;
  }

  private static SqlStatement vacuum(Tokens t) {
    if (t.peek().kind() == Tokens.Kind.SYMBOL && t.peek().text().equals("(")) {
      throw unsupported("VACUUM options");
    }
    for (String option : List.of("full", "freeze", "verbose")) {
      if (t.peek().isWord(option)) {
        throw unsupported("VACUUM " + option.toUpperCase(java.util.Locale.ROOT));
      }
    }
    if (t.accept("analyze")) {
      throw unsupported("VACUUM ANALYZE");
    }
    return new SqlStatement.Vacuum(t.atEnd() ? null : t.identifier());
  }

  private static SqlStatement set(Tokens t) {
    if (t.accept("transaction")) {
      Modes m = modes(t, true);
      return new SqlStatement.SetTransaction(m.isolation, m.readOnly, m.deferrable);
    }
    if (t.peek().isWord("local")) {
      throw unsupported("SET LOCAL");
    }
    if (t.accept("session")) {
      if (t.peek().isWord("characteristics")) {
        throw unsupported("SET SESSION CHARACTERISTICS");
      }
    }
    String name = setting(t);
    if (!t.acceptSymbol("=")) {
      t.expect("to");
    }
    if (t.accept("default")) {
      return new SqlStatement.SetVariable(name, null);
    }
    Tokens.Token v = t.take();
    StringBuilder value = new StringBuilder(v.text());
    if (v.kind() == Tokens.Kind.SYMBOL && v.text().equals("-") && t.peek().kind() == Tokens.Kind.NUMBER) {
      value.append(t.take().text());
    } else if (v.kind() != Tokens.Kind.WORD && v.kind() != Tokens.Kind.IDENT && v.kind() != Tokens.Kind.STRING
        && v.kind() != Tokens.Kind.NUMBER) {
      throw new dev.parallax.sql.SqlSyntaxException(v.kind() == Tokens.Kind.END ? "syntax error at end of input"
          : "syntax error at or near \"" + v.text() + "\"", v.position());
    }
    return new SqlStatement.SetVariable(name, value.toString());
  }

  /** A setting name: words joined by dots (a.b), lower case. */
  private static String setting(Tokens t) {
    StringBuilder name = new StringBuilder(t.identifier());
    while (t.acceptSymbol(".")) {
      name.append('.').append(t.identifier());
    }
    return name.toString();
  }

  static DatabaseException unsupported(String what) {
    return new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "feature not supported: " + what);
  }
}
