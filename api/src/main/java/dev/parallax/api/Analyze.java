package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapScan;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.sql.stats.StatisticsBuilder;
import dev.parallax.sql.stats.TableStatistics;
import dev.parallax.txn.Transaction;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ANALYZE: reads every row the calling statement's snapshot sees (a full scan: the heap has no
 * block sampling yet, and the scan streams, so memory stays bounded by the sample), samples
 * them into {@link StatisticsBuilder} and publishes the table's {@link TableStatistics} for the
 * planner. Statistics are kept in memory per database, like PostgreSQL's statistics cache, but
 * not yet written to disk: after a restart a table has none until ANALYZE runs again (the
 * planner then falls back to its default guesses).
 *
 * <p>{@link Registry} publishes each result as one immutable value per relation, so a planner
 * reads either the old statistics or the new, never a mix; its version number lets cached plans
 * notice that statistics changed.
 */
final class Analyze {
  private Analyze() {}

  /** The statistics of every analyzed table of one database. */
  static final class Registry {
    private final Map<Integer, TableStatistics> byRelation = new ConcurrentHashMap<>();
    private volatile long version;

    TableStatistics get(int relation) {
      return byRelation.get(relation);
    }

    /** Changes whenever any table's statistics are published or dropped. */
    long version() {
      return version;
    }

    synchronized void publish(int relation, TableStatistics s) {
      byRelation.put(relation, s);
      version++;
    }

    synchronized void drop(int relation) {
      if (byRelation.remove(relation) != null) {
        version++;
      }
    }
  }

  /** Analyzes {@code table} as transaction {@code t}'s current statement sees it. */
  static TableStatistics run(Database db, Transaction t, Table table, int target) {
    ColumnType[] types = table.types();
    // The seed depends on the table, not the time: the same data gives the same statistics.
    StatisticsBuilder b = new StatisticsBuilder(Arrays.asList(types), target, 0x9E3779B9L * (table.relation() + 1));
    HeapScan scan = db.heap().scan(table.relation(), t.statementSnapshot(), t);
    while (scan.hasNext()) {
      HeapTuple tuple = scan.next();
      b.add(tuple.values(types));
    }
    TableStatistics s = b.build(db.storage().bufferPool().blockCount(table.relation()));
    db.statistics().publish(table.relation(), s);
    return s;
  }
}
