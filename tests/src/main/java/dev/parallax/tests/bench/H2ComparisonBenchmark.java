package dev.parallax.tests.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The executor issue's two queries run by H2 2.5 (embedded, in memory, through JDBC) in the same
 * kind of JVM as {@link ExecutorBenchmark}, so that our figures have the engine users compare us
 * with beside them, measured on the same machine on the same day:
 * <ul>
 *   <li>{@code countSumFiltered}: {@code select count(*), sum(b) from t where a % 7 = 3} over
 *       {@value Scan#ROWS} rows of (id int primary key, a int, b int, pad varchar(40)). Score: rows
 *       scanned per second (as in ExecutorBenchmark).
 *   <li>{@code pkSelect}: {@code select * from t where id = ?} through one prepared statement on a
 *       {@value PointSelect#ROWS}-row table, autocommit. Score: selects per second.
 * </ul>
 * Both results are checked. H2 may not reuse results ({@code OPTIMIZE_REUSE_RESULTS=FALSE}): else H2
 * answers a repeated query over an unchanged table from its cache without scanning (a first run
 * reported 7.7e12 rows/s). H2 keeps the table clustered on its primary key in its MVStore; it
 * has no snapshot per statement to take and never syncs, so this is the embedded engine's best case.
 *
 * <p>Run: {@code java -jar tests/target/benchmarks.jar H2ComparisonBenchmark -wi 3 -i 5 -w 2 -r 2 -f 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class H2ComparisonBenchmark {
  static final String PAD = ExecutorBenchmark.PAD;

  /** Creates {@code t} in a fresh in-memory H2 database and loads rows 0..n-1 in batches. */
  static Connection load(String name, int rows) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE");
    try (Statement s = c.createStatement()) {
      s.execute("create table t (id int primary key, a int, b int, pad varchar(40))");
    }
    c.setAutoCommit(false);
    long t0 = System.nanoTime();
    try (PreparedStatement ins = c.prepareStatement("insert into t values (?, ?, ?, ?)")) {
      for (int i = 0; i < rows; i++) {
        ins.setInt(1, i);
        ins.setInt(2, i);
        ins.setInt(3, i % 1000);
        ins.setString(4, PAD);
        ins.addBatch();
        if (i % 10_000 == 9_999) {
          ins.executeBatch();
          c.commit();
        }
      }
      ins.executeBatch();
      c.commit();
    }
    c.setAutoCommit(true);
    System.out.printf("%n[load] H2: %,d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
    return c;
  }

  @State(Scope.Benchmark)
  public static class Scan {
    static final int ROWS = 5_000_000;
    Connection connection;
    PreparedStatement query;
    long expectedCount;
    long expectedSum;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
      connection = load("scan", ROWS);
      query = connection.prepareStatement("select count(*), sum(b) from t where a % 7 = 3");
      for (int i = 0; i < ROWS; i++) {
        if (i % 7 == 3) {
          expectedCount++;
          expectedSum += i % 1000;
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
      try (Statement s = connection.createStatement()) {
        s.execute("shutdown");
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(Scan.ROWS)
  public long countSumFiltered(Scan s) throws SQLException {
    try (ResultSet rs = s.query.executeQuery()) {
      rs.next();
      long count = rs.getLong(1);
      long sum = rs.getLong(2);
      if (count != s.expectedCount || sum != s.expectedSum) {
        throw new IllegalStateException("H2 count/sum gave " + count + ", " + sum);
      }
      return sum;
    }
  }

  @State(Scope.Benchmark)
  public static class PointSelect {
    static final int ROWS = 1_000_000;
    Connection connection;
    PreparedStatement select;
    long x = 0x9E3779B97F4A7C15L;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
      connection = load("point", ROWS);
      select = connection.prepareStatement("select * from t where id = ?");
    }

    int nextKey() {
      x ^= x >>> 12;
      x ^= x << 25;
      x ^= x >>> 27;
      return (int) Long.remainderUnsigned(x * 0x2545F4914F6CDD1DL, ROWS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
      try (Statement s = connection.createStatement()) {
        s.execute("shutdown");
      }
    }
  }

  @Benchmark
  public int pkSelect(PointSelect p) throws SQLException {
    int key = p.nextKey();
    p.select.setInt(1, key);
    try (ResultSet rs = p.select.executeQuery()) {
      if (!rs.next() || rs.getInt(1) != key || rs.next()) {
        throw new IllegalStateException("H2 select of " + key + " failed");
      }
      return key;
    }
  }
}
