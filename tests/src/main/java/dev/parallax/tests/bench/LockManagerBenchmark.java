package dev.parallax.tests.bench;

import dev.parallax.txn.lock.LockManager;
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockOwner;
import dev.parallax.txn.lock.LockTag;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The lock manager's two hot paths. Each operation is one lock plus its release.
 * <ul>
 *   <li>{@code fastPathRowExclusive}: ROW EXCLUSIVE on one relation, uncontended: the fast path
 *       (owner-local slots, no shared table). Target (issue 3): 10 million per second, one thread.
 *   <li>{@code distinctTupleLocks}: each thread locks tuples no other thread touches, through the
 *       shared table's partitions. Run with {@code -t 1} and {@code -t 8} and compare: the ratio
 *       shows how the partitioned table scales (bounded by the cores of the machine).
 * </ul>
 * Run: {@code bin/parallax bench LockManagerBenchmark} (add {@code -t 8} for eight threads).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LockManagerBenchmark {
  private static final LockTag RELATION = LockTag.relation(16_384);

  /** One lock manager for all threads. */
  @State(Scope.Benchmark)
  public static class Shared {
    final LockManager locks = new LockManager();
    final AtomicInteger threads = new AtomicInteger();
  }

  /** Each thread's owner and its private range of tuples. */
  @State(Scope.Thread)
  public static class Session {
    LockOwner owner;
    int block;
    int slot;

    @Setup
    public void setup(Shared shared) {
      owner = shared.locks.newOwner("bench " + shared.threads.get());
      block = shared.threads.getAndIncrement();
    }
  }

  @Benchmark
  public void fastPathRowExclusive(Shared shared, Session s) {
    shared.locks.lock(s.owner, RELATION, LockMode.ROW_EXCLUSIVE);
    shared.locks.release(s.owner, RELATION, LockMode.ROW_EXCLUSIVE);
  }

  @Benchmark
  public void distinctTupleLocks(Shared shared, Session s) {
    LockTag tag = LockTag.tuple(16_384, s.block, s.slot = (s.slot + 1) & 1023);
    shared.locks.lock(s.owner, tag, LockMode.EXCLUSIVE);
    shared.locks.release(s.owner, tag, LockMode.EXCLUSIVE);
  }
}
