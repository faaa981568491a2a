package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlSyntaxException;
import dev.parallax.storage.DatabaseException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;

/**
 * Results and errors as psql prints them (its "aligned" format): a header with the column names
 * centred, a dashed rule, one line per row (numbers right-aligned, everything else left-aligned,
 * NULL as nothing, booleans as t / f), then "(n rows)"; statements without rows print their
 * command tag. Errors print as {@code ERROR:  <SQLSTATE>: <message>} (psql's verbose form), with
 * the statement's line and a caret under the position of a syntax error.
 */
public final class ResultPrinter {
  private ResultPrinter() {}

  public static String format(SqlResult r) {
    StringBuilder out = new StringBuilder();
    for (String n : r.notices()) {
      out.append(n).append('\n');
    }
    if (!r.hasRows()) {
      return out.append(r.commandTag()).append('\n').toString();
    }
    List<String> names = r.columnNames();
    List<ColumnType> types = r.columnTypes();
    int cols = names.size();
    int[] width = new int[cols];
    String[][] cells = new String[r.rows().size()][cols];
    for (int c = 0; c < cols; c++) {
      width[c] = names.get(c).length();
    }
    for (int i = 0; i < cells.length; i++) {
      for (int c = 0; c < cols; c++) {
        cells[i][c] = value(r.rows().get(i)[c]);
        width[c] = Math.max(width[c], cells[i][c].length());
      }
    }
    StringBuilder header = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < cols; c++) {
      String n = names.get(c);
      int left = (width[c] - n.length()) / 2;
      header.append(c == 0 ? " " : "| ").append(" ".repeat(left)).append(n).append(" ".repeat(width[c] - n.length() - left))
          .append(' ');
      rule.append(c == 0 ? "" : "+").append("-".repeat(width[c] + 2));
    }
    out.append(header).append('\n').append(rule).append('\n');
    for (String[] row : cells) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        String v = row[c];
        String pad = " ".repeat(width[c] - v.length());
        boolean right = numeric(types.get(c));
        line.append(c == 0 ? " " : " | ").append(right ? pad + v : v + (c == cols - 1 ? "" : pad));
      }
      out.append(line).append('\n'); // as psql: the last column unpadded, so a NULL there leaves "| " (or " ")
    }
    int n = cells.length;
    out.append('(').append(n).append(n == 1 ? " row)" : " rows)").append('\n');
    return out.toString();
  }

  private static boolean numeric(ColumnType t) {
    return t == ColumnType.INTEGER || t == ColumnType.BIGINT || t == ColumnType.DOUBLE || t == ColumnType.NUMERIC;
  }

  /** A value as PostgreSQL's output functions write it. */
  public static String value(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Boolean b) {
      return b ? "t" : "f";
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "NaN";
      }
      if (d.isInfinite()) {
        return d > 0 ? "Infinity" : "-Infinity";
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return String.valueOf(d.longValue()).replace("0", d == 0 && 1 / d < 0 ? "-0" : "0");
      }
      String s = String.valueOf(d);
      int e = s.indexOf('E');
      if (e < 0) {
        return s;
      }
      String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
      int exp = Integer.parseInt(s.substring(e + 1));
      return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    if (v instanceof LocalDateTime t) {
      String s = t.toLocalDate() + " " + String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
      if (t.getNano() != 0) {
        s += ("." + String.format("%06d", t.getNano() / 1000)).replaceAll("0+$", "");
      }
      return s;
    }
    if (v instanceof byte[] b) {
      return "\\x" + HexFormat.of().formatHex(b);
    }
    return String.valueOf(v);
  }

  /** An error as psql prints it; {@code sql} is the statement, for the caret under a syntax error. */
  public static String error(DatabaseException e, String sql) {
    StringBuilder out = new StringBuilder("ERROR:  ").append(e.sqlState()).append(": ").append(e.getMessage()).append('\n');
    if (e instanceof SqlSyntaxException s && s.position() > 0 && sql != null) {
      int pos = Math.min(s.position() - 1, sql.length());
      int lineStart = sql.lastIndexOf('\n', Math.max(0, pos - 1)) + 1;
      int lineEnd = sql.indexOf('\n', pos);
      int lineNo = 1 + (int) sql.substring(0, lineStart).chars().filter(ch -> ch == '\n').count();
      String prefix = "LINE " + lineNo + ": ";
      out.append(prefix).append(sql, lineStart, lineEnd < 0 ? sql.length() : lineEnd).append('\n');
      out.append(" ".repeat(prefix.length() + pos - lineStart)).append("^\n");
    }
    return out.toString();
  }
}
