package dev.parallax.tests.bench;

import dev.parallax.api.CheckConstraint;
import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.Session;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What CHECK constraints and DEFAULTs cost a write: single-row autocommit inserts through the
 * session into an in-memory table t(id bigint, v integer, note text), with {@code checks=none}
 * or {@code checks=two} (CHECK (v > 0) and CHECK (v < id + 1000000000)): the difference is
 * {@code CheckConstraints.of} (a cache lookup by table version and two ExprStates) plus coercing
 * and evaluating the row. {@code insertByName} gives id only, so v and note take their
 * DEFAULTs (42 and 'row', constants). Every inserted row passes; the row count is checked at the
 * end. Each iteration prints its rate per thread and process CPU-second.
 *
 * <p>Run: {@code java -jar tests/target/benchmarks.jar CheckConstraintBenchmark -wi 3 -i 5 -w 2 -r 2 -f 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Threads(1)
public class CheckConstraintBenchmark {
  @Param({"none", "two"})
  String checks;

  Database db;
  Session session;
  long id;

  @Setup(Level.Trial)
  public void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    session = db.openSession();
    List<Column> cols = List.of(Column.notNull("id", ColumnType.BIGINT),
        Column.of("v", ColumnType.INTEGER).withDefault(42), Column.of("note", ColumnType.TEXT).withDefault("row"));
    Expr v = CheckConstraint.column(cols, "v");
    Expr idCol = CheckConstraint.column(cols, "id");
    List<CheckConstraint> list = checks.equals("none") ? List.of() : List.of(
        CheckConstraint.of(PlanBuilder.gt(v, PlanBuilder.lit(0))),
        CheckConstraint.of(PlanBuilder.lt(new Expr.Cast(v, ColumnType.BIGINT),
            PlanBuilder.add(idCol, PlanBuilder.lit(1_000_000_000L)))));
    session.createTable("t", cols, List.of(), list);
  }

  @Benchmark
  public Object insert(ExecutorBenchmark.CpuClock clock) {
    clock.add(1, "inserts");
    return session.insert("t", ++id, 7, "row");
  }

  @Benchmark
  public Object insertByName(ExecutorBenchmark.CpuClock clock) {
    clock.add(1, "inserts");
    return session.insert("t", Map.of("id", ++id));
  }

  @TearDown(Level.Trial)
  public void close() {
    int rows = session.scan("t").size();
    session.close();
    db.close();
    if (rows != id) {
      throw new IllegalStateException(rows + " rows stored for " + id + " inserts");
    }
  }
}
