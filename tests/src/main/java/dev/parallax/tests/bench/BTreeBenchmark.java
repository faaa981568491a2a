package dev.parallax.tests.bench;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.IndexKeyCodec;
import dev.parallax.storage.PageId;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import dev.parallax.storage.btree.BTree;
import dev.parallax.storage.btree.BTreeBuild;
import dev.parallax.storage.btree.BTreeCheck;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
 * The B+tree on buffered pages of the in-memory engine, keys of one BIGINT column in the index
 * encoding of {@link IndexKeyCodec} (tag byte, big-endian value with the sign bit flipped: 9
 * bytes; checked against the codec at set-up).
 * <ul>
 *   <li>{@code pointLookup}: {@link BTree#lookup} of a random existing key in a tree of
 *       {@code entries} (10 M) entries, built bottom-up once per trial with {@link BTree#build}
 *       from sorted keys, TID a function of the key (checked on every lookup). The pool holds
 *       every page; after the first lookups of a page it is read through its search copy (see
 *       storage's {@code PageSearch}; {@code -jvmArgsAppend -Dparallax.btree.noSearchCopies=true}
 *       turns them off). Target (B+tree issue): at least 2 million lookups per second on one core.
 *   <li>{@code insertRandom}: one thread inserts random keys into a tree that starts empty each
 *       iteration and grows (a fresh engine per iteration, its pool big enough for every page).
 *       Target: at least 500,000 inserts per second on one core.
 *   <li>{@code insertRandom8Threads}: the same with 8 threads sharing the one tree. Compare with
 *       {@code insertRandom}: the machine has 2 cores, so the ideal ratio is about 2.
 * </ul>
 * The thread counts are fixed per method, so do not pass {@code -t}. Run:
 * {@code bin/parallax bench BTreeBenchmark} (about 3 minutes, most of it building the 10 M tree;
 * one method: {@code BTreeBenchmark.pointLookup}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A fixed, pre-touched heap: otherwise the first seconds measure the kernel faulting in a growing
// young generation (about 8x slower on our 2-core machine), not the tree. 4 GiB holds the 320 MB
// pool of the 10 M tree and its ~170 MB of search copies, or two 256 MB insert pools (the last
// iteration's is not yet collected). Transparent huge pages for the heap, as a database puts its
// buffer pool on huge pages: a random lookup touches two or three 4 KiB pages of a 500 MB working
// set per tree level, each a TLB miss and page walk on 4 KiB pages (without them: pass
// -jvmArgsAppend "-Xms4g -Xmx4g -XX:+AlwaysPreTouch"; storage/README.md has both figures).
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BTreeBenchmark {
  static final int RELATION = PageId.FIRST_USER_RELATION;
  static final ColumnType[] BIGINT = {ColumnType.BIGINT};

  /** The index key of {@code v} written into {@code out} (9 bytes): IndexKeyCodec's encoding. */
  static void encode(long v, byte[] out) {
    out[0] = 0x01;
    long x = v ^ Long.MIN_VALUE;
    for (int i = 0; i < 8; i++) {
      out[1 + i] = (byte) (x >>> (56 - 8 * i));
    }
  }

  static byte[] encode(long v) {
    byte[] out = new byte[9];
    encode(v, out);
    return out;
  }

  /** The TID stored for key {@code v} in the built tree. */
  static long tidOf(long v) {
    return BTree.tid((int) (v / 100), (int) (v % 100) + 1);
  }

  static StorageEngine memoryEngine(int frames) {
    StorageEngine e = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(frames));
    BTree.registerRedo(e);
    e.recover();
    return e;
  }

  /**
   * A thread's random numbers (xorshift64*: no allocation, no shared state) and its operation
   * count. Each iteration it prints operations per second of its own CPU time: the machine is
   * shared, so this is the per-core rate when other processes take part of the core.
   */
  @State(Scope.Thread)
  public static class Rng {
    private static final AtomicInteger SEEDS = new AtomicInteger();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    final byte[] key = new byte[9];
    long x;
    int thread;
    long ops;
    long cpuStart;

    @Setup(Level.Trial)
    public void seed() {
      thread = SEEDS.incrementAndGet();
      x = 0x9E3779B97F4A7C15L * thread;
    }

    @Setup(Level.Iteration)
    public void startClock() {
      ops = 0;
      cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void report() {
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      System.out.printf("%n[cpu] thread %d: %,d ops in %,d ms CPU = %,.0f ops per CPU-second%n", thread, ops,
          cpu / 1_000_000, ops * 1e9 / Math.max(1, cpu));
    }

    long next() {
      x ^= x >>> 12;
      x ^= x << 25;
      x ^= x >>> 27;
      return x * 0x2545F4914F6CDD1DL;
    }
  }

  /** The 10 M-entry tree, built once per trial. */
  @State(Scope.Benchmark)
  public static class Built {
    @Param("10000000")
    long entries;

    StorageEngine storage;
    BTree tree;

    @Setup(Level.Trial)
    public void build() {
      if (!Arrays.equals(encode(-42L), IndexKeyCodec.encode(BIGINT, new Object[] {-42L}))) {
        throw new IllegalStateException("benchmark key encoding differs from IndexKeyCodec");
      }
      // 9-byte key + 6-byte TID + 4-byte line pointer: ~386 entries per 90%-full leaf, so 10 M
      // entries take ~26,000 leaves; the pool has room for all of them and the levels above.
      storage = memoryEngine((int) (entries / 250) + 1024);
      long t0 = System.nanoTime();
      tree = BTree.build(storage.bufferPool(), storage.wal(), RELATION, new BTreeBuild.SortedEntries() {
        long v = -1;
        final byte[] key = new byte[9];

        @Override
        public boolean next() {
          if (++v == entries) {
            return false;
          }
          encode(v, key);
          return true;
        }

        @Override
        public byte[] key() {
          return key;
        }

        @Override
        public long tid() {
          return tidOf(v);
        }
      });
      long built = System.nanoTime() - t0;
      BTreeCheck.Report r = tree.check();
      if (!r.ok() || r.leafEntries() != entries) {
        throw new IllegalStateException("built tree is wrong: " + r.leafEntries() + " entries, " + r.problems());
      }
      System.out.printf("%n[build] %,d entries in %.1f s, %d levels, %,d blocks%n", entries, built / 1e9,
          r.levels(), storage.bufferPool().blockCount(RELATION));
    }

    @TearDown(Level.Trial)
    public void close() {
      storage.close();
    }
  }

  /** A tree that starts empty each iteration and grows; shared by all threads of a run. */
  @State(Scope.Benchmark)
  public static class Growing {
    /** 256 MB: room for every page of the ~10 M entries the fastest run inserts per iteration. */
    static final int FRAMES = 32_768;

    StorageEngine storage;
    BTree tree;
    final LongAdder inserted = new LongAdder();

    @Setup(Level.Iteration)
    public void create() {
      storage = memoryEngine(FRAMES);
      tree = BTree.create(storage.bufferPool(), storage.wal(), RELATION);
      inserted.reset();
    }

    @TearDown(Level.Iteration)
    public void close() {
      System.out.printf("%n[grown] %,d entries, %,d blocks%n", inserted.sum(),
          storage.bufferPool().blockCount(RELATION));
      storage.close();
    }
  }

  @Benchmark
  @Threads(1)
  public long pointLookup(Built b, Rng r) {
    long v = (r.next() >>> 1) % b.entries;
    encode(v, r.key);
    long[] tids = b.tree.lookup(r.key);
    r.ops++;
    if (tids.length != 1 || tids[0] != tidOf(v)) {
      throw new IllegalStateException("lookup of " + v + " returned " + Arrays.toString(tids));
    }
    return tids[0];
  }

  @Benchmark
  @Threads(1)
  public void insertRandom(Growing g, Rng r) {
    insert(g, r);
  }

  @Benchmark
  @Threads(8)
  public void insertRandom8Threads(Growing g, Rng r) {
    insert(g, r);
  }

  private static void insert(Growing g, Rng r) {
    long v = r.next();
    encode(v, r.key);
    g.tree.insert(r.key, BTree.tid(r.thread, (int) (v & 0xFFFF)));
    g.inserted.increment();
    r.ops++;
  }
}
