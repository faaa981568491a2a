package dev.parallax.sql.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * ANALYZE's statistics and the selectivities computed from them, against the true answer on
 * generated tables: uniform, skewed (a few values hold most rows), key-like, sorted and shuffled,
 * with nulls. Tolerances are what a 30,000-row sample supports (a few percent of the table).
 */
class StatisticsTest {
  private static final List<ColumnType> TYPES =
      List.of(ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.TEXT);

  /** Columns: id (sorted key), u (uniform 0..999, 10% null), z (skewed), name (text of u). */
  private static List<Object[]> table(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Integer u = r.nextInt(10) == 0 ? null : r.nextInt(1000);
      int z = r.nextInt(100) < 60 ? 7 : r.nextInt(100) < 50 ? 13 : r.nextInt(5000);
      rows.add(new Object[] {i, u, z, u == null ? null : String.format("n%04d", u)});
    }
    return rows;
  }

  private static TableStatistics analyze(List<Object[]> rows, int target) {
    StatisticsBuilder b = new StatisticsBuilder(TYPES, target, 42);
    rows.forEach(b::add);
    return b.build(rows.size() / 100);
  }

  private static double truth(List<Object[]> rows, Predicate<Object[]> p) {
    return rows.stream().filter(p).count() / (double) rows.size();
  }

  @Test
  void nullFractionDistinctAndKeyColumns() {
    List<Object[]> rows = table(200_000, 1);
    TableStatistics s = analyze(rows, 100);
    assertEquals(200_000, s.rowCount());
    assertEquals(30_000, s.sampledRows());
    assertEquals(0.10, s.column(1).nullFraction(), 0.01);
    assertEquals(0, s.column(0).nullFraction());
    // The key is stored as a fraction of the rows (it grows with the table): about every row.
    assertTrue(s.column(0).distinct() < 0, s.column(0).toString());
    assertEquals(200_000, s.column(0).distinctFor(200_000), 200_000 * 0.1);
    // u has 1000 values, each seen ~27 times in the sample: all seen, counted exactly.
    assertEquals(1000, s.column(1).distinctFor(200_000), 30);
    // z: two heavy values and ~5000 light ones, most seen once: Haas-Stokes scales them up.
    assertEquals(5002, s.column(2).distinctFor(200_000), 5002 * 0.35);
    // Physical order: id is stored sorted, u is random.
    assertEquals(1.0, s.column(0).correlation(), 0.001);
    assertEquals(0.0, s.column(1).correlation(), 0.05);
  }

  @Test
  void mostCommonValuesAreTheHeavyOnes() {
    List<Object[]> rows = table(100_000, 2);
    ColumnStatistics z = analyze(rows, 100).column(2);
    assertEquals(7, z.mostCommonValues().get(0));
    assertEquals(13, z.mostCommonValues().get(1));
    assertEquals(0.60, z.mostCommonFrequencies()[0], 0.015);
    assertEquals(0.20, z.mostCommonFrequencies()[1], 0.015);
    assertEquals(0.60, Selectivity.equalsValue(z, 100_000, 7), 0.015);
    // A light value: about (1 - 0.8) / 5000 of the rows.
    double light = Selectivity.equalsValue(z, 100_000, 4321);
    assertTrue(light > 0.2 / 5000 / 2 && light < 0.2 / 5000 * 3, "light value selectivity " + light);
    assertEquals(0, Selectivity.equalsValue(z, 100_000, null));
  }

  @Test
  void smallDomainsAreAllMostCommonValues() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      rows.add(new Object[] {i, i % 4, i % 4 == 0 ? 1 : 2, "x"});
    }
    TableStatistics s = analyze(rows, 100);
    ColumnStatistics c = s.column(1);
    assertEquals(4, c.mostCommonValues().size());
    assertTrue(c.histogramBounds().isEmpty());
    assertEquals(0.25, Selectivity.equalsValue(c, 10_000, 3), 1e-9);
    // A value never seen: below the least common.
    assertTrue(Selectivity.equalsValue(c, 10_000, 99) <= 0.25);
    assertEquals(0.5, Selectivity.lessThan(c, 2, false), 1e-9);
    assertEquals(0.75, Selectivity.lessThan(c, 2, true), 1e-9);
  }

  @Test
  void rangeSelectivitiesFollowTheData() {
    List<Object[]> rows = table(300_000, 3);
    TableStatistics s = analyze(rows, 100);
    SplittableRandom r = new SplittableRandom(9);
    for (int k = 0; k < 200; k++) {
      int a = r.nextInt(-100, 1100);
      int b = a + r.nextInt(0, 400);
      double estU = Selectivity.range(s.column(1), a, true, b, false);
      double realU = truth(rows, x -> x[1] != null && (Integer) x[1] >= a && (Integer) x[1] < b);
      assertEquals(realU, estU, 0.02, "u in [" + a + ", " + b + ")");
      int c = r.nextInt(0, 300_000);
      double estId = Selectivity.lessThan(s.column(0), c, true);
      assertEquals((c + 1) / 300_000.0, estId, 0.02, "id <= " + c);
      int zc = r.nextInt(-10, 5100);
      double estZ = Selectivity.greaterThan(s.column(2), zc, false);
      double realZ = truth(rows, x -> (Integer) x[2] > zc);
      assertEquals(realZ, estZ, 0.025, "z > " + zc);
      String name = String.format("n%04d", r.nextInt(1000));
      double estName = Selectivity.lessThan(s.column(3), name, false);
      double realName = truth(rows, x -> x[3] != null && ((String) x[3]).compareTo(name) < 0);
      assertEquals(realName, estName, 0.03, "name < " + name);
    }
    assertEquals(0, Selectivity.range(s.column(1), 500, true, 100, true), 1e-9);
    assertEquals(0.9, Selectivity.range(s.column(1), null, true, null, true), 0.01);
  }

  @Test
  void inListsAndUnknownValues() {
    List<Object[]> rows = table(100_000, 4);
    ColumnStatistics u = analyze(rows, 100).column(1);
    double real = truth(rows, x -> x[1] != null && List.of(1, 2, 3, 500).contains(x[1]));
    assertEquals(real, Selectivity.in(u, 100_000, List.of(1, 2, 3, 500, 2)), 0.002);
    assertEquals(0.9 / 1000, Selectivity.equalsUnknown(u, 100_000), 0.0002);
  }

  @Test
  void joinSelectivityMatchesTheTrueJoinSize() {
    // a.z joins b.z: both skewed the same way, so the heavy values dominate the join.
    List<Object[]> a = table(50_000, 5);
    List<Object[]> b = table(20_000, 6);
    ColumnStatistics za = analyze(a, 100).column(2);
    ColumnStatistics zb = analyze(b, 100).column(2);
    java.util.Map<Object, Long> countsB = new java.util.HashMap<>();
    b.forEach(x -> countsB.merge(x[2], 1L, Long::sum));
    double matches = 0;
    for (Object[] x : a) {
      matches += countsB.getOrDefault(x[2], 0L);
    }
    double real = matches / (50_000.0 * 20_000.0);
    double est = Selectivity.joinEquals(za, 50_000, zb, 20_000);
    assertEquals(real, est, real * 0.1, "join selectivity");
    // Without MCVs the simple formula: 1 / max(nd).
    ColumnStatistics ida = analyze(a, 100).column(0);
    ColumnStatistics idb = analyze(b, 100).column(0);
    assertEquals(1.0 / 50_000, Selectivity.joinEquals(ida, 50_000, idb, 20_000), 1.0 / 50_000 * 0.15);
  }

  @Test
  void defaultsWithoutStatisticsAndGroups() {
    assertEquals(Selectivity.DEFAULT_EQ, Selectivity.equalsValue(null, 1e6, 5));
    assertEquals(Selectivity.DEFAULT_INEQ, Selectivity.lessThan(null, 5, true));
    assertEquals(Selectivity.DEFAULT_RANGE, Selectivity.range(null, 1, true, 5, true));
    assertEquals(0.1, Selectivity.equalsValue(null, 10, 5), 1e-9);
    List<Object[]> rows = table(100_000, 7);
    TableStatistics s = analyze(rows, 100);
    // GROUP BY u: 1000 values and one null group.
    assertEquals(1001, Selectivity.groups(List.of(s.column(1)), 100_000), 30);
    // GROUP BY id, u: capped at the row count.
    assertEquals(100_000, Selectivity.groups(List.of(s.column(0), s.column(1)), 100_000), 1e-9);
  }

  @Test
  void emptyAndAllNullTables() {
    StatisticsBuilder b = new StatisticsBuilder(TYPES, 10, 1);
    TableStatistics empty = b.build(0);
    assertEquals(0, empty.rowCount());
    assertEquals(0, empty.column(0).distinct());
    StatisticsBuilder nulls = new StatisticsBuilder(TYPES, 10, 1);
    for (int i = 0; i < 100; i++) {
      nulls.add(new Object[] {i, null, null, null});
    }
    TableStatistics s = nulls.build(1);
    assertEquals(1.0, s.column(1).nullFraction());
    assertEquals(1.0, Selectivity.isNull(s.column(1)));
    assertEquals(0, Selectivity.equalsValue(s.column(1), 100, 3));
    assertEquals(1.0, s.column(0).correlation(), 1e-9);
  }
}
