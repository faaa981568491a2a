package dev.parallax.tests.bench;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sequential scan with visibility checks over buffered rows of (int, int, int, text(40)): every
 * tuple's header is tested against an MVCC snapshot (hint bits set by the first pass). The score
 * is tuples per second ({@code @OperationsPerInvocation} is not used because the row count is a
 * parameter: multiply ops/s by {@code rows}, or read the printed figure).
 *
 * <p>Target (issue 2): at least 20 million tuples per second on one core at 5 million rows.
 * Run: {@code bin/parallax bench SeqScanBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A fixed, pre-touched heap: otherwise the first seconds measure the kernel faulting in a growing
// young generation (about 8x slower on our 2-core machine), not the engine.
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SeqScanBenchmark {
  @Param("5000000")
  int rows;

  static final int RELATION = PageId.FIRST_USER_RELATION;
  StorageEngine storage;
  TransactionManager transactions;
  Heap heap;
  Transaction reader;
  Snapshot snapshot;
  long lastCount;

  @Setup(Level.Trial)
  public void load() {
    // 5 M rows of ~80 bytes need ~60,000 pages: size the pool so that every page stays buffered.
    storage = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(rows / 50 + 1024));
    transactions = new TransactionManager(storage);
    heap = new Heap(storage, transactions.status());
    transactions.afterRecovery(storage.recover());
    storage.bufferPool().createRelation(RELATION);
    ColumnType[] types = {ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.TEXT};
    String text = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    int batch = 100_000;
    for (int done = 0; done < rows; ) {
      Transaction tx = transactions.begin(IsolationLevel.READ_COMMITTED, false);
      for (int i = 0; i < batch && done < rows; i++, done++) {
        heap.insert(RELATION, tx, RowCodec.encode(types, new Object[] {done, done * 7, done % 13, text}));
      }
      tx.commit();
    }
    reader = transactions.begin(IsolationLevel.REPEATABLE_READ, true);
    snapshot = reader.statementSnapshot();
    scan(); // first pass sets hint bits, as any reader after the load would
  }

  @Benchmark
  public long scan() {
    long n = 0;
    HeapScan s = heap.scan(RELATION, snapshot, reader);
    while (s.hasNext()) {
      s.next();
      n++;
    }
    if (n != rows) {
      throw new IllegalStateException("scan saw " + n + " of " + rows + " rows");
    }
    lastCount = n;
    return n;
  }

  @TearDown(Level.Trial)
  public void close() {
    reader.commit();
    storage.close();
  }
}
