package dev.parallax.executor.exec;

import dev.parallax.executor.plan.AggPlan;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups of a hashed Aggregate, and its spill (PostgreSQL 13's design). Groups live in a hash
 * table keyed by their normalised key values. While the table is within the memory limit, a row
 * of a new group adds one. Once it is over, the table stops growing: rows of groups already in
 * it are still aggregated in memory, and rows of any other group are written, whole, to one of
 * N partition files chosen by bits of the key's hash. When the input ends the table's groups are
 * returned; then each partition is aggregated the same way, as a new batch, from its file, with
 * the next bits of the hash choosing sub-partitions should it overflow too. A group's rows all go
 * to one partition, so every group is finished in exactly one batch.
 *
 * <p>N is a power of two between 4 and 256, from the estimated number of groups (or the rows in
 * the partition being split) against what fitted; once the hash's 32 bits are used up a batch
 * is aggregated in memory whatever its size. The limit is {@code 2 x work_mem}
 * (hash_mem_multiplier, as for hash joins). Memory is counted per group (key, table entry,
 * accumulators) plus what DISTINCT and string_agg accumulate; EXPLAIN ANALYZE shows the batches,
 * the peak memory and the bytes written, as PostgreSQL does.
 */
final class HashAggregation {
  private static final int MIN_PARTITIONS = 4;
  private static final int MAX_PARTITIONS = 256;
  private static final int FILE_BUFFER = 8192;
  /** A group's cost besides its key and accumulators: map entry, key list, group arrays. */
  private static final long GROUP_BYTES = 96;
  private static final long ACCUMULATOR_BYTES = 64;

  private final AggState node;
  private final AggPlan plan;
  private final ColumnType[] inputTypes;
  private final long memoryLimit;
  private final ArraySlot readSlot;

  private final Map<List<Object>, Group> groups = new LinkedHashMap<>();
  private Iterator<Group> emitting;
  private final Deque<Pending> pending = new ArrayDeque<>();
  private TempFiles temp;
  private boolean spilledEver;
  private long bytes;
  private long peakBytes;
  private int batches;
  private long diskAtStart;
  private int respilled;

  private record Group(Object[] key, Accumulator[] accumulators) {}

  /** A partition waiting to be aggregated, and how many hash bits chose it. */
  private record Pending(SpillFile file, int bitsUsed) {}

  HashAggregation(AggState node, ExecContext ctx, AggPlan plan, List<ColumnType> inputTypes) {
    this.node = node;
    this.plan = plan;
    this.inputTypes = inputTypes.toArray(new ColumnType[0]);
    this.memoryLimit = HashJoinState.HASH_MEM_MULTIPLIER * ctx.workMemBytes();
    this.readSlot = new ArraySlot(this.inputTypes.length);
  }

  /** Something that hands out input rows (a child node, a partition file). */
  private interface Rows {
    TupleSlot next();
  }

  /** Aggregates the child's rows: the first batch, and the partitions it spilled. */
  void fill(PlanState child) {
    release();
    batches = 0;
    respilled = 0;
    peakBytes = 0;
    spilledEver = false;
    diskAtStart = temp == null ? 0 : temp.bytesWritten();
    aggregate(child::next, 0, plan.estimatedRows());
  }

  private void aggregate(Rows rows, int bitsUsed, double expectedGroups) {
    groups.clear();
    bytes = 0;
    batches++;
    SpillFile[] partitions = null;
    int partitionBits = 0;
    int keys = node.keyCount();
    Object[] key = new Object[keys];
    Object[] normal = new Object[keys];
    for (TupleSlot row = rows.next(); row != null; row = rows.next()) {
      node.groupKey(row, key, normal);
      List<Object> hashKey = Arrays.asList(normal);
      Group g = groups.get(hashKey);
      if (g == null) {
        if (partitions != null) {
          int h = JoinHashTable.mix(hashKey.hashCode());
          int p = (h >>> bitsUsed) & ((1 << partitionBits) - 1);
          if (partitions[p] == null) {
            partitions[p] = new SpillFile(temp, inputTypes, FILE_BUFFER);
          }
          partitions[p].write(0, row.toArray());
          continue;
        }
        g = new Group(key.clone(), node.newAccumulators());
        groups.put(Arrays.asList(normal.clone()), g);
        bytes += GROUP_BYTES + RowSize.of(key) + RowSize.array(keys) + ACCUMULATOR_BYTES * node.aggregateCount();
      }
      bytes += node.accumulate(g.accumulators(), row);
      peakBytes = Math.max(peakBytes, bytes);
      if (partitions == null && bytes > memoryLimit && bitsUsed < 30) {
        partitionBits = partitionBits(expectedGroups, groups.size(), 32 - bitsUsed);
        partitions = new SpillFile[1 << partitionBits];
        if (temp == null) {
          temp = new TempFiles("agg");
        }
        if (bitsUsed > 0) {
          respilled++;
        }
        spilledEver = true;
      }
    }
    if (partitions != null) {
      for (SpillFile f : partitions) {
        if (f != null) {
          pending.add(new Pending(f, bitsUsed + partitionBits));
        }
      }
    }
    emitting = groups.values().iterator();
  }

  /** log2 of the partitions to split into: enough for the expected groups at what fitted, 4 to 256. */
  private static int partitionBits(double expectedGroups, int fitted, int bitsLeft) {
    double want = Math.max(MIN_PARTITIONS, Math.min(MAX_PARTITIONS, expectedGroups / Math.max(1, fitted)));
    int bits = 2;
    while ((1 << bits) < want) {
      bits++;
    }
    return Math.min(bits, bitsLeft);
  }

  /** The next finished group's row, aggregating the next partition when a batch is done; null at the end. */
  Object[] next() {
    while (true) {
      if (emitting.hasNext()) {
        Group g = emitting.next();
        return AggState.finish(g.key(), g.accumulators());
      }
      Pending p = pending.poll();
      if (p == null) {
        return null;
      }
      SpillFile.Reader r = p.file().reader();
      try {
        aggregate(() -> r.next() ? readSlot.bind(r.row()) : null, p.bitsUsed(), p.file().rows());
      } finally {
        r.close();
        p.file().delete();
      }
    }
  }

  /** Whether the groups can be returned again without reading the input (only if nothing spilled). */
  boolean canReplay() {
    return !spilledEver && emitting != null;
  }

  void replay() {
    emitting = groups.values().iterator();
  }

  /** "Batches: N  Memory Usage: KkB", and "  Disk Usage: KkB" if it spilled. */
  String detail() {
    String s = "Batches: " + batches + "  Memory Usage: " + (peakBytes + 1023) / 1024 + "kB";
    return spilledEver ? s + "  Disk Usage: " + (temp.bytesWritten() - diskAtStart + 1023) / 1024 + "kB" : s;
  }

  int batches() {
    return batches;
  }

  /** Batches after the first that spilled partitions of their own. */
  int respilled() {
    return respilled;
  }

  long peakBytes() {
    return peakBytes;
  }

  boolean spilled() {
    return spilledEver;
  }

  TempFiles tempFiles() {
    return temp;
  }

  /** Drops the groups and deletes every partition file. */
  void release() {
    groups.clear();
    emitting = null;
    pending.clear();
    if (temp != null) {
      temp.close();
    }
  }
}
