package dev.parallax.tests.stress;

import dev.parallax.api.Column;
import dev.parallax.api.Session;
import dev.parallax.mvcc.ColumnType;
import java.time.LocalDateTime;
import java.util.List;

/**
 * pgbench's four tables at a scale factor (1 branch, 10 tellers and 100,000 accounts per unit of
 * scale, blank-padded fillers of pgbench's widths so rows are as large as PostgreSQL's), created
 * and loaded through the embedded API, with the check every TPC-B run ends with: the branches',
 * tellers' and accounts' balances and the history's deltas all have one sum.
 */
final class PgbenchTables {
  static final int ACCOUNTS_PER_SCALE = 100_000;
  static final int TELLERS_PER_SCALE = 10;

  private PgbenchTables() {}

  static void create(Session s, int scale, ProgressLine progress) {
    s.createTable("pgbench_branches", List.of(Column.notNull("bid", ColumnType.INTEGER),
        Column.of("bbalance", ColumnType.INTEGER), Column.of("filler", ColumnType.TEXT)), List.of("bid"));
    s.createTable("pgbench_tellers", List.of(Column.notNull("tid", ColumnType.INTEGER), Column.of("bid", ColumnType.INTEGER),
        Column.of("tbalance", ColumnType.INTEGER), Column.of("filler", ColumnType.TEXT)), List.of("tid"));
    s.createTable("pgbench_accounts", List.of(Column.notNull("aid", ColumnType.INTEGER), Column.of("bid", ColumnType.INTEGER),
        Column.of("abalance", ColumnType.INTEGER), Column.of("filler", ColumnType.TEXT)), List.of("aid"));
    s.createTable("pgbench_history", List.of(Column.of("tid", ColumnType.INTEGER), Column.of("bid", ColumnType.INTEGER),
        Column.of("aid", ColumnType.INTEGER), Column.of("delta", ColumnType.INTEGER),
        Column.of("mtime", ColumnType.TIMESTAMP), Column.of("filler", ColumnType.TEXT)));
    String accountFiller = " ".repeat(84);
    s.begin();
    for (int b = 1; b <= scale; b++) {
      s.insert("pgbench_branches", b, 0, " ".repeat(88));
    }
    for (int t = 1; t <= scale * TELLERS_PER_SCALE; t++) {
      s.insert("pgbench_tellers", t, (t - 1) / TELLERS_PER_SCALE + 1, 0, " ".repeat(84));
    }
    s.commit();
    int accounts = scale * ACCOUNTS_PER_SCALE;
    for (int done = 0; done < accounts; ) {
      s.begin();
      for (int i = 0; i < 50_000 && done < accounts; i++, done++) {
        int aid = done + 1;
        s.insert("pgbench_accounts", aid, (aid - 1) / ACCOUNTS_PER_SCALE + 1, 0, accountFiller);
      }
      s.commit();
      progress.line(String.format("loading: %,d of %,d accounts", done, accounts), done / (double) accounts);
    }
  }

  /** Sums of balances and of history deltas: after any number of TPC-B transactions all four agree. */
  record Sums(long branches, long tellers, long accounts, long history, long historyRows) {
    boolean consistent() {
      return branches == tellers && tellers == accounts && accounts == history;
    }
  }

  static Sums sums(Session s) {
    return new Sums(sum(s, "pgbench_branches", 1), sum(s, "pgbench_tellers", 2), sum(s, "pgbench_accounts", 2),
        sum(s, "pgbench_history", 3), s.scan("pgbench_history").size());
  }

  private static long sum(Session s, String table, int column) {
    long sum = 0;
    for (var row : s.scan(table)) {
      sum += (Integer) row.get(column);
    }
    return sum;
  }

  static Object[] historyRow(int tid, int bid, int aid, int delta) {
    return new Object[] {tid, bid, aid, delta, LocalDateTime.now(), null};
  }
}
