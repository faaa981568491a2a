package dev.parallax.sql.bind;

import dev.parallax.executor.plan.Expr;
import dev.parallax.sql.SqlCodes;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The relations a query's expressions can name: FROM entries in order, each with its alias.
 * Resolves {@code col} (unique among the entries: 42702 if in several, 42703 if in none) and
 * {@code alias.col} (42P01 if no entry has the alias) to global column numbers.
 *
 * <p>A subquery's scope has the query around it as {@code parent}: a name not found locally is
 * looked up there (a correlated reference), and the subquery's columns are numbered after the
 * parent's, so both live in one numbering. Entries pulled up from a subquery into this query
 * (a semi or anti join) are {@code hidden}: they are in the range table but no name reaches them.
 */
final class Scope {
  final List<Bound.RangeEntry> entries = new ArrayList<>();
  private final Set<Integer> hidden = new HashSet<>();
  private final Scope parent;
  private int width;
  /** Whether a name resolved in the parent scope. */
  private boolean correlated;
  /** Columns merged by JOIN ... USING / NATURAL JOIN: the name reaches the merged value, not the originals. */
  private final java.util.Map<String, Expr> merged = new java.util.HashMap<>();
  private final Set<Integer> mergedOriginals = new HashSet<>();

  /** A named output column of the FROM clause (what {@code SELECT *} lists). */
  record Named(String name, Expr expr) {}

  /** After a USING join: unqualified {@code name} is {@code value}; the joined columns are reached only qualified. */
  void merge(String name, Expr value, java.util.Collection<Integer> originals) {
    merged.put(name, value);
    mergedOriginals.addAll(originals);
  }

  Scope() {
    this(null);
  }

  /** A subquery's scope inside {@code parent}: its columns are numbered after the parent's. */
  Scope(Scope parent) {
    this.parent = parent;
    this.width = parent == null ? 0 : parent.width;
  }

  Bound.RangeEntry add(String alias, dev.parallax.sql.SqlCatalog.Table table) {
    return add(alias, table, null);
  }

  Bound.RangeEntry add(String alias, dev.parallax.sql.SqlCatalog.Table table, Bound.Query subquery) {
    for (int i = 0; i < entries.size(); i++) {
      if (!hidden.contains(i) && entries.get(i).alias().equals(alias)) {
        throw new DatabaseException(SqlCodes.DUPLICATE_ALIAS, "table name \"" + alias + "\" specified more than once");
      }
    }
    Bound.RangeEntry e = new Bound.RangeEntry(alias, table, width, subquery);
    entries.add(e);
    width += e.width();
    return e;
  }

  /** Adds an entry of a subquery pulled up into this query; returns its index in the range table. */
  int addHidden(Bound.RangeEntry e) {
    if (e.offset() != width) {
      throw new IllegalStateException("pulled-up entry at column " + e.offset() + ", expected " + width);
    }
    entries.add(e);
    hidden.add(entries.size() - 1);
    width += e.width();
    return entries.size() - 1;
  }

  /** The entries names can reach (FROM entries, not pulled-up ones), in order. */
  List<Bound.RangeEntry> visible() {
    List<Bound.RangeEntry> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (!hidden.contains(i)) {
        out.add(entries.get(i));
      }
    }
    return out;
  }

  boolean correlated() {
    return correlated;
  }

  int width() {
    return width;
  }

  Bound.RangeEntry entry(String alias) {
    for (Bound.RangeEntry e : visible()) {
      if (e.alias().equals(alias)) {
        return e;
      }
    }
    if (parent != null) {
      Bound.RangeEntry e = parent.entry(alias);
      correlated = true;
      return e;
    }
    throw new DatabaseException(SqlState.UNDEFINED_TABLE, "missing FROM-clause entry for table \"" + alias + "\"");
  }

  private boolean hasAlias(String alias) {
    return visible().stream().anyMatch(e -> e.alias().equals(alias));
  }

  Expr column(String qualifier, String name) {
    if (qualifier != null) {
      if (!hasAlias(qualifier) && parent != null) {
        Expr c = parent.column(qualifier, name);
        correlated = true;
        return c;
      }
      Bound.RangeEntry e = entry(qualifier);
      int i = e.table().columnIndex(name);
      if (i < 0) {
        throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column " + qualifier + "." + name + " does not exist");
      }
      return new Expr.Column(e.offset() + i, e.table().columns().get(i).type());
    }
    Expr found = merged.get(name);
    for (Bound.RangeEntry e : visible()) {
      int i = e.table().columnIndex(name);
      if (i >= 0 && !mergedOriginals.contains(e.offset() + i)) {
        if (found != null) {
          throw new DatabaseException(SqlCodes.AMBIGUOUS_COLUMN, "column reference \"" + name + "\" is ambiguous");
        }
        found = new Expr.Column(e.offset() + i, e.table().columns().get(i).type());
      }
    }
    if (found == null && parent != null) {
      Expr c = parent.column(null, name);
      correlated = true;
      return c;
    }
    if (found == null) {
      throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + name + "\" does not exist");
    }
    return found;
  }

  /** Whether {@code name} resolves to exactly one column here (not counting the parent). */
  boolean resolves(String name) {
    int n = merged.containsKey(name) ? 1 : 0;
    for (Bound.RangeEntry e : visible()) {
      int i = e.table().columnIndex(name);
      if (i >= 0 && !mergedOriginals.contains(e.offset() + i)) {
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
    return parent != null ? parent.columnName(g) : "?column?";
  }
}
