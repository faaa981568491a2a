package dev.parallax.api;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns an ON CONFLICT target into the arbiter index names an {@code OnConflict} plan carries, as
 * PostgreSQL's planner infers them: {@code (cols)} names every unique index whose key columns are
 * exactly those columns (in any order); {@code ON CONSTRAINT name} names one unique index; no
 * target names every unique index (allowed for DO NOTHING only).
 */
public final class ConflictArbiters {
  private ConflictArbiters() {}

  /** {@code ON CONFLICT (columns)}: 42703 for an unknown column, 42P10 when no unique index matches. */
  public static List<String> forColumns(Table table, List<String> columns) {
    Set<String> wanted = new HashSet<>();
    for (String c : columns) {
      table.columnIndex(c); // 42703 naming the column
      wanted.add(c);
    }
    List<String> out = table.indexes().stream()
        .filter(i -> i.unique() && new HashSet<>(i.columns()).equals(wanted)).map(Index::name).toList();
    if (out.isEmpty()) {
      throw new DatabaseException(SqlState.INVALID_COLUMN_REFERENCE,
          "there is no unique or exclusion constraint matching the ON CONFLICT specification");
    }
    return out;
  }

  /** {@code ON CONFLICT ON CONSTRAINT name}: 42704 unless it is a unique index of the table. */
  public static List<String> forConstraint(Table table, String name) {
    return table.indexes().stream().filter(i -> i.unique() && i.name().equals(name)).map(Index::name).findFirst()
        .map(List::of).orElseThrow(() -> new DatabaseException(SqlState.UNDEFINED_OBJECT,
            "constraint \"" + name + "\" for table \"" + table.name() + "\" does not exist"));
  }

  /** No target: every unique index of the table. */
  public static List<String> any(Table table) {
    return table.indexes().stream().filter(Index::unique).map(Index::name).toList();
  }
}
