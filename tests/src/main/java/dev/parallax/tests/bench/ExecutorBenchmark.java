package dev.parallax.tests.bench;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.mod;

import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.Row;
import dev.parallax.api.Session;
import dev.parallax.executor.exec.ExecContext;
import dev.parallax.executor.exec.Executor;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.Heap;
import dev.parallax.mvcc.HeapScan;
import dev.parallax.mvcc.RowCodec;
import dev.parallax.storage.PageId;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.TransactionManager;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
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
 * The executor's figures of issue 5, one thread each (the thread count is fixed: no {@code -t}).
 * <ul>
 *   <li>{@code countSumFiltered}: {@code select count(*), sum(b) from t where a % 7 = 3} over
 *       {@value Scan#ROWS} buffered rows of (id int, a int, b int, pad text(40)), built with
 *       {@link PlanBuilder} (an Aggregate over a Seq Scan with the qual) and run through
 *       {@link Executor#open} with a read-only REPEATABLE READ transaction's snapshot. Score:
 *       rows scanned per second. Target: at least 14 million on one core.
 *   <li>Three companions on the same table, for attributing the first one's time by
 *       difference: {@code heapScanOnly} (a bare {@code HeapScan} loop with visibility checks, no
 *       executor: what {@code SeqScanBenchmark} measures), {@code countStarNoQual}
 *       ({@code select count(*) from t}: adds the executor's nodes, slot and aggregate) and
 *       {@code countStarFastQual} ({@code ... where a >= 0}, true for every row: adds decoding
 *       and boxing column a through the {@code column <cmp> constant} fast path, but no
 *       expression loop and no sum).
 *   <li>{@code pkLookup}: {@code Session.lookup(t, "t_pkey", key)} of a random existing key in a
 *       {@value PointSelect#ROWS}-row table with a primary key on an in-memory
 *       {@link Database}, autocommit (one read-write transaction and statement per lookup). There
 *       is no IndexScan plan node yet, so this is the closest existing path to "primary-key
 *       point select through an index-scan plan with a parameter". Score: lookups per second.
 *       Target: at least 300,000 on one thread.
 *   <li>{@code hashJoin}: {@link PlanBuilder#hashJoin} (inner join) of two Seq Scans,
 *       {@value Join#OUTER_ROWS} outer rows of (id int, k int, pad text(40)) probing a hash table
 *       of {@value Join#INNER_ROWS} inner rows of (id int, v int) on {@code o.k = i.id}; every
 *       outer row matches exactly one inner row. Score: input rows (outer + inner) per second;
 *       output rows per second are outer / (outer + inner) of that.
 * </ul>
 * Every query's result is checked. Each iteration also prints the score per CPU-second of the
 * benchmark thread and of the whole process (which adds GC, JIT and JMH's own threads): the
 * machine is shared, so these are the per-core rates when other processes take part of a core.
 *
 * <p>Run: {@code bin/parallax bench ExecutorBenchmark -wi 3 -i 5 -w 2 -r 2 -f 1} (about 3
 * minutes, much of it loading; one figure: {@code ExecutorBenchmark.pkLookup}). Figures in
 * executor/README.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A fixed, pre-touched heap: otherwise the first seconds measure the kernel faulting in a growing
// young generation (about 8x slower on our 2-core machine), not the engine. 6 GiB holds the
// ~480 MB pool of the 5 M-row table with plenty of young generation for the per-row garbage.
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class ExecutorBenchmark {
  static final int RELATION = PageId.FIRST_USER_RELATION;
  static final String PAD = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"; // 40 characters

  /**
   * Counts what the benchmark thread did in one iteration and prints it per CPU-second, of the
   * thread and of the process.
   */
  @State(Scope.Thread)
  public static class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long ops;
    String unit = "ops";
    long cpuStart;
    long processStart;
    long wallStart;

    @Setup(Level.Iteration)
    public void start() {
      ops = 0;
      cpuStart = THREADS.getCurrentThreadCpuTime();
      processStart = OS.getProcessCpuTime();
      wallStart = System.nanoTime();
    }

    void add(long n, String what) {
      ops += n;
      unit = what;
    }

    @TearDown(Level.Iteration)
    public void report() {
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      long process = OS.getProcessCpuTime() - processStart;
      long wall = System.nanoTime() - wallStart;
      System.out.printf("%n[cpu] %,d %s: %,.0f per wall-second, %,.0f per thread CPU-second (%,d ms),"
          + " %,.0f per process CPU-second (%,d ms)%n", ops, unit, ops * 1e9 / Math.max(1, wall),
          ops * 1e9 / Math.max(1, cpu), cpu / 1_000_000, ops * 1e9 / Math.max(1, process), process / 1_000_000);
    }
  }

  /** An in-memory engine whose pool holds every page, and a loader of committed rows. */
  abstract static class Engine {
    StorageEngine storage;
    TransactionManager transactions;
    Heap heap;
    Transaction reader;
    Snapshot snapshot;

    void open(int pages) {
      storage = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(pages));
      transactions = new TransactionManager(storage);
      heap = new Heap(storage, transactions.status());
      transactions.afterRecovery(storage.recover());
    }

    interface RowMaker {
      Object[] row(int i);
    }

    /** Creates {@code relation} and inserts rows 0..n-1, committed in batches of 100,000. */
    void load(int relation, ColumnType[] types, int n, RowMaker rows) {
      storage.bufferPool().createRelation(relation);
      for (int done = 0; done < n; ) {
        Transaction tx = transactions.begin(IsolationLevel.READ_COMMITTED, false);
        for (int i = 0; i < 100_000 && done < n; i++, done++) {
          heap.insert(relation, tx, RowCodec.encode(types, rows.row(done)));
        }
        tx.commit();
      }
    }

    /** The reading transaction (read-only, REPEATABLE READ: one snapshot for every query). */
    void startReader() {
      reader = transactions.begin(IsolationLevel.REPEATABLE_READ, true);
      snapshot = reader.statementSnapshot();
    }

    ExecContext context() {
      return new ExecContext(heap, reader, snapshot, null, false);
    }

    void close() {
      reader.commit();
      storage.close();
    }
  }

  /** The 5 M-row table of (id, a = id, b = id % 1000, pad) and its two plans. */
  @State(Scope.Benchmark)
  public static class Scan extends Engine {
    static final int ROWS = 5_000_000;
    static final List<ColumnType> TYPES =
        List.of(ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.TEXT);

    Plan countSum;
    Plan countStar;
    Plan countStarFastQual;
    long expectedCount;
    long expectedSum;

    @Setup(Level.Trial)
    public void setUp() {
      // ~80-byte rows: ~100 a page, so 5 M rows take ~50,000 pages; the pool holds them all.
      open(ROWS / 50 + 1024);
      long t0 = System.nanoTime();
      load(RELATION, TYPES.toArray(new ColumnType[0]), ROWS, i -> new Object[] {i, i, i % 1000, PAD});
      System.out.printf("%n[load] %,d rows in %.1f s, %,d blocks%n", ROWS, (System.nanoTime() - t0) / 1e9,
          storage.bufferPool().blockCount(RELATION));
      for (int i = 0; i < ROWS; i++) {
        if (i % 7 == 3) {
          expectedCount++;
          expectedSum += i % 1000;
        }
      }
      PlanBuilder b = new PlanBuilder();
      countSum = b.aggregate(
          b.seqScan(RELATION, "t", TYPES, List.of(eq(mod(col(1, ColumnType.INTEGER), lit(7)), lit(3))), null, ROWS),
          List.of(AggCall.countStar(), AggCall.of(AggFunction.SUM, col(2, ColumnType.INTEGER))), List.of(), null);
      PlanBuilder b2 = new PlanBuilder();
      countStar = b2.aggregate(b2.seqScan(RELATION, "t", TYPES, List.of(), null, ROWS),
          List.of(AggCall.countStar()), List.of(), null);
      PlanBuilder b3 = new PlanBuilder();
      countStarFastQual = b3.aggregate(b3.seqScan(RELATION, "t", TYPES,
          List.of(PlanBuilder.op(BinaryOp.GE, col(1, ColumnType.INTEGER), lit(0))), null, ROWS),
          List.of(AggCall.countStar()), List.of(), null);
      startReader();
      countEveryRow(this, countStar, new CpuClock()); // first pass sets hint bits, as any reader after the load would
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(Scan.ROWS)
  public long countSumFiltered(Scan s, CpuClock clock) {
    try (QueryCursor c = Executor.open(s.countSum, s.context())) {
      c.next();
      long count = (Long) c.get(0);
      long sum = (Long) c.get(1);
      if (count != s.expectedCount || sum != s.expectedSum || c.next()) {
        throw new IllegalStateException("count/sum gave " + count + ", " + sum);
      }
      clock.add(Scan.ROWS, "rows");
      return sum;
    }
  }

  @Benchmark
  @OperationsPerInvocation(Scan.ROWS)
  public long countStarNoQual(Scan s, CpuClock clock) {
    return countEveryRow(s, s.countStar, clock);
  }

  @Benchmark
  @OperationsPerInvocation(Scan.ROWS)
  public long countStarFastQual(Scan s, CpuClock clock) {
    return countEveryRow(s, s.countStarFastQual, clock);
  }

  /** Runs a count(*) plan that should count every row of the table. */
  static long countEveryRow(Scan s, Plan plan, CpuClock clock) {
    try (QueryCursor c = Executor.open(plan, s.context())) {
      c.next();
      long count = (Long) c.get(0);
      if (count != Scan.ROWS) {
        throw new IllegalStateException(plan + " counted " + count);
      }
      clock.add(Scan.ROWS, "rows");
      return count;
    }
  }

  @Benchmark
  @OperationsPerInvocation(Scan.ROWS)
  public long heapScanOnly(Scan s, CpuClock clock) {
    long n = 0;
    HeapScan scan = s.heap.scan(RELATION, s.snapshot, s.reader);
    while (scan.hasNext()) {
      scan.next();
      n++;
    }
    if (n != Scan.ROWS) {
      throw new IllegalStateException("scan saw " + n + " rows");
    }
    clock.add(n, "rows");
    return n;
  }

  /** A 1 M-row table (id int primary key, a int, b int, pad text) in an in-memory database. */
  @State(Scope.Benchmark)
  public static class PointSelect {
    static final int ROWS = 1_000_000;
    Database db;
    Session session;
    dev.parallax.executor.plan.Plan plan;
    long x = 0x9E3779B97F4A7C15L;

    @Setup(Level.Trial)
    public void setUp() {
      // Heap ~10,000 pages, index ~3,000: 32,768 frames (256 MB) hold both.
      db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0)
          .withStorage(StorageSettings.defaults().withBufferPoolPages(32_768)));
      session = db.openSession();
      session.createTable("t", List.of(Column.of("id", ColumnType.INTEGER), Column.of("a", ColumnType.INTEGER),
          Column.of("b", ColumnType.INTEGER), Column.of("pad", ColumnType.TEXT)), List.of("id"));
      long t0 = System.nanoTime();
      for (int done = 0; done < ROWS; ) {
        session.begin();
        for (int i = 0; i < 100_000 && done < ROWS; i++, done++) {
          session.insert("t", done, done, done % 1000, PAD);
        }
        session.commit();
      }
      System.out.printf("%n[load] %,d rows with primary key in %.1f s%n", ROWS, (System.nanoTime() - t0) / 1e9);
      for (int i = 0; i < ROWS; i += 7) {
        session.lookup("t", "t_pkey", i); // sets hint bits, as any reader after the load would
      }
    }

    /** A random existing key (xorshift64*: no allocation). */
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
  public Object pkLookup(PointSelect p, CpuClock clock) {
    int key = p.nextKey();
    List<Row> rows = p.session.lookup("t", "t_pkey", key);
    if (rows.size() != 1 || (Integer) rows.get(0).get(0) != key) {
      throw new IllegalStateException("lookup of " + key + " gave " + rows);
    }
    clock.add(1, "lookups");
    return rows;
  }

  /**
   * The same point select as an Index Scan plan with the key as a parameter, run as a statement
   * through {@code Session.run} (the figure): one plan built once, run per key.
   */
  @Benchmark
  public Object pkIndexScanPlan(PointSelect p, CpuClock clock) {
    if (p.plan == null) {
      dev.parallax.api.Table t = p.session.table("t").orElseThrow();
      dev.parallax.api.Index pkey = t.index("t_pkey").orElseThrow();
      List<dev.parallax.executor.plan.Expr> key = List.of(dev.parallax.executor.plan.PlanBuilder.param(0, ColumnType.INTEGER));
      p.plan = new dev.parallax.executor.plan.PlanBuilder().indexScan(t.relation(), t.name(), t.columnTypes(),
          pkey.relation(), pkey.name(), List.of(0), key, true, key, true, true, false, List.of(), null, 1);
    }
    int key = p.nextKey();
    Object[] row = null;
    try (dev.parallax.executor.exec.QueryCursor c = p.session.run(p.plan, key)) {
      while (c.next()) {
        row = c.row();
      }
    }
    if (row == null || (Integer) row[0] != key) {
      throw new IllegalStateException("index scan of " + key + " gave " + java.util.Arrays.toString(row));
    }
    clock.add(1, "lookups");
    return row;
  }

  /** Outer 1 M rows of (id, k = id % 100,000, pad), inner 100,000 rows of (id, v = id * 3). */
  @State(Scope.Benchmark)
  public static class Join extends Engine {
    static final int OUTER_ROWS = 1_000_000;
    static final int INNER_ROWS = 100_000;
    static final List<ColumnType> OUTER = List.of(ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.TEXT);
    static final List<ColumnType> INNER = List.of(ColumnType.INTEGER, ColumnType.INTEGER);

    Plan join;

    @Setup(Level.Trial)
    public void setUp() {
      open((OUTER_ROWS + INNER_ROWS) / 50 + 1024);
      long t0 = System.nanoTime();
      load(RELATION, OUTER.toArray(new ColumnType[0]), OUTER_ROWS, i -> new Object[] {i, i % INNER_ROWS, PAD});
      load(RELATION + 1, INNER.toArray(new ColumnType[0]), INNER_ROWS, i -> new Object[] {i, i * 3});
      System.out.printf("%n[load] %,d + %,d rows in %.1f s%n", OUTER_ROWS, INNER_ROWS,
          (System.nanoTime() - t0) / 1e9);
      PlanBuilder b = new PlanBuilder();
      join = b.hashJoin(b.seqScan(RELATION, "o", OUTER, List.of(), null, OUTER_ROWS),
          b.seqScan(RELATION + 1, "i", INNER, List.of(), null, INNER_ROWS), JoinType.INNER,
          List.of(col(1, ColumnType.INTEGER)), List.of(col(0, ColumnType.INTEGER)), List.of(), List.of(), null);
      startReader();
      join(this, new CpuClock()); // sets hint bits and checks the result once
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(Join.OUTER_ROWS + Join.INNER_ROWS)
  public long hashJoin(Join j, CpuClock clock) {
    return join(j, clock);
  }

  static long join(Join j, CpuClock clock) {
    long n = 0;
    long check = 0;
    try (QueryCursor c = Executor.open(j.join, j.context())) {
      while (c.next()) {
        n++;
        check += (Integer) c.get(4) - 3 * (Integer) c.get(1); // inner v = 3 * inner id = 3 * outer k
      }
    }
    if (n != Join.OUTER_ROWS || check != 0) {
      throw new IllegalStateException("hash join gave " + n + " rows, check " + check);
    }
    clock.add(Join.OUTER_ROWS + Join.INNER_ROWS, "input rows");
    return n;
  }
}
