package dev.parallax.sql.parse;

import dev.parallax.sql.SqlSyntaxException;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.statement.Statement;

/**
 * JSqlParser, called directly on the calling thread (its convenience entry point parses on a
 * pool thread with a timeout, which costs a thread hand-off per statement), with its errors
 * turned into PostgreSQL-style syntax errors naming the token and its position.
 *
 * <p>Its first parse loads and initialises the generated parser (several hundred milliseconds);
 * {@link #warmUp} does that at start-up, so the first user statement does not pay it.
 */
public final class SqlParser {
  private SqlParser() {}

  private static volatile boolean warm;

  /** Parses a few statements of every kind the binder handles, once per JVM. */
  public static void warmUp() {
    if (warm) {
      return;
    }
    for (String sql : new String[] {"SELECT a, count(*) FROM t JOIN u ON t.a = u.b WHERE a = $1 GROUP BY a ORDER BY 1 LIMIT 1",
        "INSERT INTO t (a, b) VALUES (1, 'x') RETURNING a", "UPDATE t SET a = a + 1 WHERE b = 2",
        "DELETE FROM t WHERE a IN (1, 2)", "CREATE TABLE t (a integer PRIMARY KEY, b text NOT NULL)",
        "CREATE UNIQUE INDEX i ON t (a)", "DROP TABLE t", "SELECT 1 UNION ALL SELECT 2", "EXPLAIN SELECT 1"}) {
      parse(sql);
    }
    warm = true;
  }

  public static Statement parse(String sql) {
    try {
      CCJSqlParser parser = CCJSqlParserUtil.newParser(sql);
      return parser.Statement();
    } catch (ParseException e) {
      throw syntaxError(sql, e.currentToken == null ? null : e.currentToken.next);
    } catch (net.sf.jsqlparser.parser.TokenMgrException e) {
      throw new SqlSyntaxException("syntax error: " + firstLine(e.getMessage()), 0);
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.split("\n", 2)[0];
  }

  private static SqlSyntaxException syntaxError(String sql, Token t) {
    if (t == null || t.kind == 0 || t.image == null || t.image.isEmpty()) {
      return new SqlSyntaxException("syntax error at end of input", 0);
    }
    int offset = 0;
    int line = 1;
    while (line < t.beginLine && offset < sql.length()) {
      if (sql.charAt(offset++) == '\n') {
        line++;
      }
    }
    return new SqlSyntaxException("syntax error at or near \"" + t.image + "\"", offset + t.beginColumn);
  }
}
