package dev.parallax.api;

import dev.parallax.sql.SqlCatalog;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalog as the SQL front end sees it: tables as {@code tx} sees them (committed ones plus
 * its own uncommitted DDL; with no transaction, what is committed), each with its indexes and a
 * row estimate and the statistics of its last ANALYZE (never analyzed: a page is taken to be full
 * of rows of the table's width, PostgreSQL's guess).
 */
final class SqlCatalogView implements SqlCatalog {
  private final Database db;
  private final Transaction tx;

  SqlCatalogView(Database db, Transaction tx) {
    this.db = db;
    this.tx = tx;
  }

  @Override
  public Optional<SqlCatalog.Table> table(String name) {
    return db.catalog().lookup(name, tx).map(this::describe);
  }

  @Override
  public long version() {
    // Both only ever grow, so their sum changes whenever either does.
    return db.catalog().version() + db.statistics().version();
  }

  private SqlCatalog.Table describe(dev.parallax.api.Table t) {
    List<SqlCatalog.Column> columns = new ArrayList<>();
    int width = 0;
    for (dev.parallax.api.Column c : t.columns()) {
      columns.add(new SqlCatalog.Column(c.name(), c.type(), c.notNull(), c.defaultValue()));
      width += c.type().fixedWidth() > 0 ? c.type().fixedWidth() : 16;
    }
    List<SqlCatalog.Index> indexes = new ArrayList<>();
    for (dev.parallax.api.Index i : t.indexes()) {
      List<Integer> positions = new ArrayList<>();
      for (int p : i.positions(t)) {
        positions.add(p);
      }
      indexes.add(new SqlCatalog.Index(i.name(), i.relation(), positions, i.unique()));
    }
    int pages = db.storage().bufferPool().relationExists(t.relation()) ? db.storage().bufferPool().blockCount(t.relation()) : 0;
    dev.parallax.sql.stats.TableStatistics stats = db.statistics().get(t.relation());
    // Analyzed: the row count at the measured density, scaled to the current size; else a page
    // full of rows of the table's width, PostgreSQL's guess for a table never analyzed.
    double rows = stats != null ? stats.rowsAt(pages) : pages * Math.floor(8192.0 / (width + 28));
    return new SqlCatalog.Table(t.name(), t.relation(), columns, indexes, rows, stats);
  }
}
