package dev.parallax.tests.bench;

import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.PreparedStatement;
import dev.parallax.api.Session;
import dev.parallax.api.SqlResult;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.SqlFrontEnd;
import dev.parallax.sql.SqlStatement;
import dev.parallax.storage.StorageSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The SQL front end's figures of issue 6, one thread each.
 * <ul>
 *   <li>{@code preparedPkSelect}: {@code SELECT a, b FROM t WHERE id = $1} prepared once and
 *       executed with a random existing key ({@value Point#ROWS} rows, primary key, in memory,
 *       autocommit): the plan is an Index Scan with the key as a parameter; each run checks the
 *       catalog version, converts the parameter, runs the plan as a statement and collects the row
 *       into a {@code SqlResult}. Score: selects per second. Target: at least 250,000.
 *   <li>{@code compileFiveWayJoin}: parse, bind and plan a five-table join with a filter
 *       ({@code SqlFrontEnd.compile} against a catalog of five 10,000-row tables with primary
 *       keys). Score: statements compiled per second. Target: planning under 1 ms (1,000/s);
 *       this includes JSqlParser's parse, which PostgreSQL would not count as planning.
 * </ul>
 * Run: {@code java -jar tests/target/benchmarks.jar SqlBenchmark -wi 3 -i 5 -w 2 -r 2 -f 1}.
 * Each iteration also prints the rate per CPU-second of the benchmark thread and of the process.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Threads(1)
public class SqlBenchmark {
  @State(Scope.Thread)
  public static class Point {
    static final int ROWS = 200_000;
    Database db;
    Session session;
    PreparedStatement select;
    long x = 0x9E3779B97F4A7C15L;

    @Setup(Level.Trial)
    public void setUp() {
      db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0)
          .withStorage(StorageSettings.defaults().withBufferPoolPages(16_384)));
      session = db.openSession();
      session.createTable("t", List.of(Column.of("id", ColumnType.INTEGER), Column.of("a", ColumnType.INTEGER),
          Column.of("b", ColumnType.TEXT)), List.of("id"));
      for (int done = 0; done < ROWS; ) {
        session.begin();
        for (int i = 0; i < 50_000 && done < ROWS; i++, done++) {
          session.insert("t", done, done * 3, "row " + done);
        }
        session.commit();
      }
      for (int i = 0; i < ROWS; i += 5) {
        session.lookup("t", "t_pkey", i); // sets hint bits, as any reader after the load would
      }
      select = session.prepare("SELECT a, b FROM t WHERE id = $1");
    }

    int nextKey() {
      x ^= x >>> 12;
      x ^= x << 25;
      x ^= x >>> 27;
      return (int) Long.remainderUnsigned(x * 0x2545F4914F6CDD1DL, ROWS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      session.close();
      db.close();
    }
  }

  @Benchmark
  public Object preparedPkSelect(Point p, ExecutorBenchmark.CpuClock clock) {
    int key = p.nextKey();
    SqlResult r = p.select.execute(key);
    if (r.rows().size() != 1 || (Integer) r.get(0, 0) != key * 3) {
      throw new IllegalStateException("select of " + key + " gave " + r);
    }
    clock.add(1, "selects");
    return r;
  }

  @State(Scope.Thread)
  public static class Catalog implements SqlCatalog {
    final Map<String, Table> tables = new HashMap<>();
    static final String JOIN = "SELECT t1.v, t5.v FROM t1 JOIN t2 ON t2.id = t1.ref JOIN t3 ON t3.id = t2.ref "
        + "JOIN t4 ON t4.id = t3.ref JOIN t5 ON t5.id = t4.ref WHERE t1.v = $1 AND t5.ref > 10";

    @Setup(Level.Trial)
    public void setUp() {
      for (int i = 1; i <= 5; i++) {
        String name = "t" + i;
        tables.put(name, new Table(name, 100 + i, List.of(new Column("id", ColumnType.INTEGER, true),
            new Column("ref", ColumnType.INTEGER, false), new Column("v", ColumnType.TEXT, false)),
            List.of(new Index(name + "_pkey", 200 + i, List.of(0), true)), 10_000));
      }
    }

    @Override
    public Optional<Table> table(String name) {
      return Optional.ofNullable(tables.get(name));
    }

    @Override
    public long version() {
      return 1;
    }
  }

  @Benchmark
  public Object compileFiveWayJoin(Catalog c, ExecutorBenchmark.CpuClock clock) {
    SqlStatement s = SqlFrontEnd.compile(Catalog.JOIN, c);
    if (!(s instanceof SqlStatement.Query)) {
      throw new IllegalStateException("not a query: " + s);
    }
    clock.add(1, "compiles");
    return s;
  }
}
