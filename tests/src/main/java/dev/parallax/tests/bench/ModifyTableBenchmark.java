package dev.parallax.tests.bench;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.assign;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.excluded;
import static dev.parallax.executor.plan.PlanBuilder.param;

import dev.parallax.api.Column;
import dev.parallax.api.ConflictArbiters;
import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.Session;
import dev.parallax.api.Table;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.MergeAction;
import dev.parallax.executor.plan.ModifyTablePlan;
import dev.parallax.executor.plan.OnConflict;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ModifyTable statements through {@code Session.run}, autocommit, in memory, over c(k bigint
 * primary key, n bigint) preloaded with 100,000 rows:
 *
 * <ul>
 *   <li>{@code insertPlain}: INSERT of a new key (the baseline: heap insert, unique check, commit);
 *   <li>{@code upsertInsert}: INSERT ... ON CONFLICT (k) DO UPDATE of a new key (the insert path
 *       under the arbiter's stripe);
 *   <li>{@code upsertUpdate}: the same with an existing random key (conflict, lock, update);
 *   <li>{@code merge100}: MERGE of a 100-row batch, half existing keys (updated), half new
 *       (inserted), by a seq scan of c hash-joined (RIGHT) to the hashed batch; a score unit is
 *       one batch.
 * </ul>
 * Each checks its result (a row came back, or 100 actions ran). The iteration tear-down prints
 * statements per thread / process CPU-second. Run:
 * {@code java -jar tests/target/benchmarks.jar ModifyTableBenchmark -wi 3 -i 5 -w 2 -r 2 -f 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class ModifyTableBenchmark {
  static final ColumnType B = ColumnType.BIGINT;
  static final int ROWS = 100_000;
  Database db;
  Session s;
  Table t;
  Plan insert;
  Plan upsert;
  long nextKey = ROWS;
  final SplittableRandom rnd = new SplittableRandom(5);

  @Setup(Level.Trial)
  public void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("c", List.of(Column.of("k", B), Column.of("n", B)), List.of("k"));
    s.begin();
    for (long k = 0; k < ROWS; k++) {
      s.insert("c", k, 0L);
    }
    s.commit();
    t = s.table("c").orElseThrow();
    List<ColumnType> types = t.columnTypes();
    PlanBuilder b = new PlanBuilder();
    Plan row = b.values(List.of(), List.<Object[]>of(new Object[0]), List.of(), List.of(param(0, B), param(1, B)));
    insert = b.modify(row, ModifyTablePlan.Operation.INSERT, t.relation(), t.name(), types, -1, null, List.of(col(0, B)));
    upsert = b.insertOnConflict(row, t.relation(), t.name(), types,
        OnConflict.doUpdate(ConflictArbiters.forColumns(t, List.of("k")), assign(types, Map.of(1, add(col(1, B), excluded(types, 1)))),
            null), List.of(col(0, B)));
  }

  @TearDown(Level.Trial)
  public void close() {
    s.close();
    db.close();
  }

  private long one(Plan p, long k) {
    try (QueryCursor c = s.run(p, k, 1L)) {
      if (!c.next()) {
        throw new IllegalStateException("no row for key " + k);
      }
      return (Long) c.row()[0];
    }
  }

  @Benchmark
  public long insertPlain(ExecutorBenchmark.CpuClock clock) {
    clock.add(1, "inserts");
    return one(insert, nextKey++);
  }

  @Benchmark
  public long upsertInsert(ExecutorBenchmark.CpuClock clock) {
    clock.add(1, "upserts (new key)");
    return one(upsert, nextKey++);
  }

  @Benchmark
  public long upsertUpdate(ExecutorBenchmark.CpuClock clock) {
    clock.add(1, "upserts (existing key)");
    return one(upsert, rnd.nextLong(ROWS));
  }

  @Benchmark
  public long merge100(ExecutorBenchmark.CpuClock clock) {
    List<Object[]> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(new Object[] {rnd.nextLong(ROWS), 1L});
      batch.add(new Object[] {nextKey++, 1L});
    }
    // distinct existing keys: a key matched twice would be 21000
    java.util.Set<Object> seen = new java.util.HashSet<>();
    batch.removeIf(r -> !seen.add(r[0]));
    List<ColumnType> types = t.columnTypes();
    PlanBuilder b = new PlanBuilder();
    Plan source = b.values(List.of(B, B), batch, List.of(), null);
    Plan target = b.seqScan(t.relation(), t.name(), types, List.of(), List.of(new Expr.RowIdentity(), col(0, B), col(1, B)), ROWS);
    // target RIGHT JOIN batch (the batch is hashed): join row = rowid, k, n, s.k, s.delta; change row
    // = t.k, t.n, then those (s.k at 5, s.delta at 6)
    Plan join = b.hashJoin(target, source, JoinType.RIGHT, List.of(col(1, B)), List.of(col(0, B)), List.of(), List.of(), null);
    Plan merge = b.merge(join, t.relation(), t.name(), types, 0, List.of(
        MergeAction.matchedUpdate(null, assign(types, Map.of(1, add(col(1, B), col(6, B))))),
        MergeAction.notMatchedInsert(null, List.of(col(5, B), col(6, B)))), List.of(col(0, B)));
    long n = 0;
    try (QueryCursor c = s.run(merge)) {
      while (c.next()) {
        n++;
      }
    }
    if (n != batch.size()) {
      throw new IllegalStateException("MERGE acted on " + n + " of " + batch.size() + " rows");
    }
    clock.add(1, "MERGE batches of 100");
    return n;
  }
}
