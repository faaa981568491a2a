package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * A scan of a heap relation through one of its B+tree indexes, in index order or reversed.
 * The bounds are values of the leading index columns (constants, parameters, or internal
 * parameters set by a nested loop), encoded at each start or rescan; {@code lower} or
 * {@code upper} null is open, and a bound with fewer values than the index has columns covers
 * every value of the rest. As with SQL comparisons, a bound value that is NULL matches no row.
 *
 * <p>{@code indexOnly}: the input row is the index key (the key columns' values, in index order)
 * and the heap is only visited for entries on pages not known to be all-visible. Otherwise the
 * input row is the heap row, and each entry's version is fetched with the snapshot and re-checked
 * to carry the entry's key.
 *
 * @param keyColumns positions in the heap row of the index's columns, in key order
 */
public record IndexScanPlan(int id, int relation, String table, List<ColumnType> tableTypes, int indexRelation,
    String index, List<Integer> keyColumns, List<Expr> lower, boolean lowerInclusive, List<Expr> upper,
    boolean upperInclusive, boolean forward, boolean indexOnly, List<Expr> quals, List<Expr> targetList,
    double estimatedRows, double estimatedCost) implements Plan {
  public IndexScanPlan {
    tableTypes = List.copyOf(tableTypes);
    keyColumns = List.copyOf(keyColumns);
    lower = lower == null ? null : List.copyOf(lower);
    upper = upper == null ? null : List.copyOf(upper);
    for (List<Expr> bound : java.util.Arrays.asList(lower, upper)) {
      if (bound == null) {
        continue;
      }
      if (bound.size() > keyColumns.size()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "index \"" + index + "\" has " + keyColumns.size()
            + " columns, the bound " + bound.size() + " values");
      }
      for (int i = 0; i < bound.size(); i++) {
        if (bound.get(i).type() != tableTypes.get(keyColumns.get(i))) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "bound value " + bound.get(i) + " of index \""
              + index + "\" is of type " + bound.get(i).type().sqlName() + ", the column of type "
              + tableTypes.get(keyColumns.get(i)).sqlName());
        }
      }
    }
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  /** The types of the index key, in key order. */
  public List<ColumnType> keyTypes() {
    return keyColumns.stream().map(tableTypes::get).toList();
  }

  @Override
  public List<ColumnType> inputTypes() {
    return indexOnly ? keyTypes() : tableTypes;
  }

  @Override
  public List<Plan> children() {
    return List.of();
  }

  @Override
  public String label() {
    return (indexOnly ? "Index Only Scan" : "Index Scan") + (forward ? "" : " Backward") + " using " + index + " on " + table;
  }
}
