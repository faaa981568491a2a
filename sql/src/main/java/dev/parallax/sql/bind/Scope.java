package dev.parallax.sql.bind;

import dev.parallax.executor.plan.Expr;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;

/**
 * The relations a query's expressions can name: FROM entries in order, each with its alias.
 * Resolves {@code col} (unique among all entries: 42702 if in several, 42703 if in none) and
 * {@code alias.col} (42P01 if no entry has the alias) to global column numbers.
 */
final class Scope {
  final List<Bound.RangeEntry> entries = new ArrayList<>();
  private int width;

  Bound.RangeEntry add(String alias, dev.parallax.sql.SqlCatalog.Table table) {
    return add(alias, table, null);
  }

  Bound.RangeEntry add(String alias, dev.parallax.sql.SqlCatalog.Table table, Bound.Query subquery) {
    for (Bound.RangeEntry e : entries) {
      if (e.alias().equals(alias)) {
        throw new DatabaseException(dev.parallax.sql.SqlCodes.DUPLICATE_ALIAS, "table name \"" + alias + "\" specified more than once");
      }
    }
    Bound.RangeEntry e = new Bound.RangeEntry(alias, table, width, subquery);
    entries.add(e);
    width += e.width();
    return e;
  }

  int width() {
    return width;
  }

  Bound.RangeEntry entry(String alias) {
    for (Bound.RangeEntry e : entries) {
      if (e.alias().equals(alias)) {
        return e;
      }
    }
    throw new DatabaseException(SqlState.UNDEFINED_TABLE, "missing FROM-clause entry for table \"" + alias + "\"");
  }

  Expr.Column column(String qualifier, String name) {
    if (qualifier != null) {
      Bound.RangeEntry e = entry(qualifier);
      int i = e.table().columnIndex(name);
      if (i < 0) {
        throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column " + qualifier + "." + name + " does not exist");
      }
      return new Expr.Column(e.offset() + i, e.table().columns().get(i).type());
    }
    Expr.Column found = null;
    for (Bound.RangeEntry e : entries) {
      int i = e.table().columnIndex(name);
      if (i >= 0) {
        if (found != null) {
          throw new DatabaseException(dev.parallax.sql.SqlCodes.AMBIGUOUS_COLUMN, "column reference \"" + name + "\" is ambiguous");
        }
        found = new Expr.Column(e.offset() + i, e.table().columns().get(i).type());
      }
    }
    if (found == null) {
      throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + name + "\" does not exist");
    }
    return found;
  }

  /** Whether {@code name} resolves to exactly one column here. */
  boolean resolves(String name) {
    int n = 0;
    for (Bound.RangeEntry e : entries) {
      if (e.table().columnIndex(name) >= 0) {
        n++;
      }
    }
    return n == 1;
  }

  /** The name of global column {@code g}. */
  String columnName(int g) {
    for (Bound.RangeEntry e : entries) {
      if (g >= e.offset() && g < e.offset() + e.width()) {
        return e.table().columns().get(g - e.offset()).name();
      }
    }
    return "?column?";
  }
}
