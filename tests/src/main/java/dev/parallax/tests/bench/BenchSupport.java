package dev.parallax.tests.bench;

import dev.parallax.api.Database;

/** Counters the benchmarks report next to their scores. */
final class BenchSupport {
  private BenchSupport() {}

  static long fsyncs(Database db) {
    return db.walStats().fsyncs();
  }
}
