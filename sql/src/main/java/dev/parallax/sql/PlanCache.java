package dev.parallax.sql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Compiled statements by SQL text (Caffeine, bounded by count). An entry remembers the catalog
 * version it was compiled against; a lookup under another version compiles again and replaces
 * it, so a plan never outlives the tables and indexes it was made for (a new index is considered,
 * a dropped table is an error instead of a scan of a removed file).
 *
 * <p>Plans depend on what the caller's transaction sees of the catalog (its own uncommitted DDL
 * too), so a cache belongs to one session. Thread-safe all the same.
 */
public final class PlanCache {
  private record Entry(long version, SqlStatement statement) {}

  private final Cache<String, Entry> cache;

  public PlanCache(int maximumSize) {
    this.cache = Caffeine.newBuilder().maximumSize(maximumSize).build();
  }

  /** The compiled statement for {@code sql} under the catalog's current version. */
  public SqlStatement get(String sql, SqlCatalog catalog) {
    long version = catalog.version();
    Entry e = cache.getIfPresent(sql);
    if (e != null && e.version() == version) {
      return e.statement();
    }
    SqlStatement s = SqlFrontEnd.compile(sql, catalog);
    cache.put(sql, new Entry(version, s));
    return s;
  }

  /** Whether {@code sql} has a plan compiled under {@code version} (for tests). */
  public boolean holds(String sql, long version) {
    Entry e = cache.getIfPresent(sql);
    return e != null && e.version() == version;
  }

  public void invalidateAll() {
    cache.invalidateAll();
  }
}
