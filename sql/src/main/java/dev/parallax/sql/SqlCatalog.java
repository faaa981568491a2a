package dev.parallax.sql;

import dev.parallax.mvcc.ColumnType;
import java.util.List;
import java.util.Optional;

/**
 * What the front end needs to know of the catalog, implemented by the api (which the sql module
 * cannot see): tables by name as the calling transaction sees them, and a version number that
 * changes whenever any table or index is created, altered or dropped (committed or not), so that a
 * cached plan can tell it may be stale.
 */
public interface SqlCatalog {
  /** The table named {@code name}, if the caller can see one. */
  Optional<Table> table(String name);

  /**
   * Changes with every catalog change and every ANALYZE; equal versions mean the same catalog and
   * statistics, so a cached plan is still the one the planner would make.
   */
  long version();

  /** A column: name, type, whether it is NOT NULL, and its DEFAULT (already of the column's type; null: NULL). */
  record Column(String name, ColumnType type, boolean notNull, dev.parallax.executor.plan.Expr defaultValue) {
    public Column(String name, ColumnType type, boolean notNull) {
      this(name, type, notNull, null);
    }
  }

  /** A B+tree index: name, relation number, the table positions of its key columns in order, uniqueness. */
  record Index(String name, int relation, List<Integer> columns, boolean unique) {
    public Index {
      columns = List.copyOf(columns);
    }
  }

  /**
   * A table: name, heap relation number, columns, indexes, the planner's estimate of its row
   * count, and its statistics from the last ANALYZE (null if never analyzed: the row count then
   * comes from the relation's size).
   */
  record Table(String name, int relation, List<Column> columns, List<Index> indexes, double rowEstimate,
      dev.parallax.sql.stats.TableStatistics statistics) {
    public Table {
      columns = List.copyOf(columns);
      indexes = List.copyOf(indexes);
    }

    /** A table never analyzed (or a derived one): estimates come from its size and default guesses. */
    public Table(String name, int relation, List<Column> columns, List<Index> indexes, double rowEstimate) {
      this(name, relation, columns, indexes, rowEstimate, null);
    }

    public List<ColumnType> types() {
      return columns.stream().map(Column::type).toList();
    }

    /** Position of the column named {@code name}, or -1. */
    public int columnIndex(String name) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(name)) {
          return i;
        }
      }
      return -1;
    }
  }
}
