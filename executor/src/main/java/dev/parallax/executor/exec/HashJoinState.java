package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.HashJoinPlan;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.mvcc.ColumnType;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A hybrid hash join (PostgreSQL's): the inner side is read into a {@link JoinHashTable}, then the
 * outer rows stream through it. When the table would outgrow the hash memory limit the rows are
 * divided into batches by their hash: batch 0 stays in memory, the others go to temporary files,
 * inner and outer rows of batch b to their own files, and after the outer side ends each later
 * batch is loaded and joined in turn. A batch that still does not fit doubles the number of
 * batches: a row of batch b then stays in b or moves to b + (the old count), never to a batch
 * already joined, so rows are moved forward as they are met (PostgreSQL's rule). A split that
 * moves nothing or everything (many equal keys) turns growth off, and that batch is joined over
 * the limit, as PostgreSQL does.
 *
 * <p>The batch number comes from the hash's high bits (bit-reversed), the bucket from its low
 * bits, so the two stay independent while either grows. The memory limit is
 * {@code 2 x work_mem}, PostgreSQL 15's default hash_mem_multiplier. The initial number of
 * batches comes from the planner's estimate of the inner rows, as in PostgreSQL; EXPLAIN ANALYZE
 * shows "(originally N)" when it had to grow.
 *
 * <p>Join types: a key with a null never matches. LEFT / FULL / ANTI return an unmatched outer
 * row with null inner columns (an outer row with a null key at once, without spilling it); RIGHT
 * and FULL remember which inner rows matched and return the others after each batch's outer rows
 * (inner rows with a null key are kept for that, under a made-up hash that spreads them over the
 * batches); SEMI returns an outer row once, on its first match.
 *
 * <p>Rescan: a single-batch table is kept (its matched flags cleared) unless something the inner
 * side reads changed; a multi-batch join starts over, re-reading the inner side. Temporary files
 * are deleted as each is read for the last time, and all that remain by {@link #end}.
 */
final class HashJoinState extends JoinState {
  /** PostgreSQL's hash_mem_multiplier default (15 and later). */
  static final int HASH_MEM_MULTIPLIER = 2;
  private static final int MAX_BATCHES = 1 << 16;
  private static final int FILE_BUFFER = 8192;

  // fixed at init
  private final HashJoinPlan join;
  private ExprState[] outerKeys;
  private ExprState[] innerKeys;
  /** When every inner key is a plain column of a type whose values need no normalising: its columns (the row is its own key). */
  private int[] innerKeyColumns;
  private ColumnType[] outerTypes;
  private ColumnType[] innerTypes;
  private boolean keepOuter;
  private boolean keepInner;
  private long memoryLimit;
  private ArraySlot innerSlot;
  private ArraySlot spilledOuterSlot;
  private ArraySlot loadSlot;
  private Object[] probe;

  // per build (reset by a rescan that starts over)
  private JoinHashTable table;
  private int batches;
  private int originalBatches;
  private int batch;
  private boolean growEnabled;
  private SpillFile[] innerFiles;
  private SpillFile[] outerFiles;
  private SpillFile.Reader outerReader;
  private TempFiles temp;
  private long peakBytes;
  private int nullKeyRows;
  private boolean done;
  /** Bucket count and batch counts of the last build, for EXPLAIN ANALYZE. */
  int reportedBuckets;
  int reportedOriginalBuckets;

  // per outer row
  private TupleSlot outerRow;
  private int probeHash;
  private int candidate;
  private boolean outerMatched;
  /** -1 while outer rows are joined; then the next table entry to check for RIGHT / FULL. */
  private int unmatchedInner;

  HashJoinState(HashJoinPlan plan, ExecContext ctx, PlanState outer, PlanState inner) {
    super(plan, ctx, outer, inner, plan.joinQuals());
    this.join = plan;
  }

  @Override
  protected void initJoin() {
    outerKeys = compileAll(join.outerKeys());
    innerKeys = compileAll(join.innerKeys());
    int[] columns = new int[join.innerKeys().size()];
    for (int i = 0; i < columns.length; i++) {
      Expr k = join.innerKeys().get(i);
      if (k instanceof Expr.Column c && c.type() != ColumnType.DOUBLE && c.type() != ColumnType.NUMERIC
          && c.type() != ColumnType.BYTEA) {
        columns[i] = c.index();
      } else {
        columns = null;
        break;
      }
    }
    innerKeyColumns = columns;
    outerTypes = join.outer().outputTypes().toArray(new ColumnType[0]);
    innerTypes = join.inner().outputTypes().toArray(new ColumnType[0]);
    JoinType t = join.type();
    keepOuter = t == JoinType.LEFT || t == JoinType.FULL || t == JoinType.ANTI;
    keepInner = t == JoinType.RIGHT || t == JoinType.FULL;
    memoryLimit = HASH_MEM_MULTIPLIER * ctx.workMemBytes();
    innerSlot = new ArraySlot(innerTypes.length);
    spilledOuterSlot = new ArraySlot(outerTypes.length);
    loadSlot = new ArraySlot(innerTypes.length);
    probe = new Object[outerKeys.length];
    table = null;
  }

  // ---- build ---------------------------------------------------------------------------------

  private void build() {
    double rows = Math.max(1, join.inner().estimatedRows());
    long perRow = JoinHashTable.ENTRY_BYTES + RowSize.array(innerTypes.length);
    for (ColumnType t : innerTypes) {
      perRow += t == ColumnType.BOOLEAN ? 0 : t == ColumnType.TEXT || t == ColumnType.BYTEA ? 56 : 16;
    }
    int buckets = (int) Math.min(1 << 28, rows);
    double bytes = rows * perRow + 4.0 * Integer.highestOneBit(Math.max(1, buckets)) * 2;
    batches = 1;
    while (bytes / batches > memoryLimit && batches < MAX_BATCHES) {
      batches *= 2;
    }
    originalBatches = batches;
    growEnabled = true;
    table = new JoinHashTable((int) Math.min(buckets, Math.max(1024, memoryLimit / perRow)));
    innerFiles = new SpillFile[batches];
    outerFiles = new SpillFile[batches];
    batch = 0;
    peakBytes = 0;
    nullKeyRows = 0;
    done = false;
    if (temp == null) {
      temp = new TempFiles("hash");
    }
    for (TupleSlot r = inner.next(); r != null; r = inner.next()) {
      boolean nullKey = !innerKey(r);
      if (nullKey && !keepInner) {
        continue; // never matches, never returned
      }
      int h = nullKey ? madeUpHash() : hash(probe);
      int b = batchOf(h);
      if (b != 0) {
        file(innerFiles, innerTypes, b).write(h, r.toArray());
      } else {
        insert(h, r.toArray(), nullKey);
      }
    }
    startBatch();
    reportedBuckets = table.buckets();
    reportedOriginalBuckets = table.originalBuckets();
  }

  /** Puts the inner row's key into {@code probe}, normalised; false if it has a null. */
  private boolean innerKey(TupleSlot r) {
    boolean complete = true;
    for (int i = 0; i < probe.length; i++) {
      Object v = innerKeyColumns != null ? r.get(innerKeyColumns[i]) : HashKey.normalise(innerKeys[i].value(r));
      probe[i] = v;
      complete &= v != null;
    }
    return complete;
  }

  private int madeUpHash() {
    return JoinHashTable.mix(0x9E3779B9 * ++nullKeyRows);
  }

  private void insert(int h, Object[] row, boolean nullKey) {
    Object[] key = nullKey ? null : innerKeyColumns != null ? row : probe.clone();
    long bytes = RowSize.of(row) + (key == null || key == row ? 0 : RowSize.of(key));
    table.add(h, row, key, bytes);
    if (table.bytes() > memoryLimit && growEnabled) {
      increaseBatches();
    }
    peakBytes = Math.max(peakBytes, table.bytes());
  }

  /** Doubles the batches and moves the table's rows that now belong to a later one to its file. */
  private void increaseBatches() {
    if (batches >= MAX_BATCHES) {
      growEnabled = false;
      return;
    }
    int before = table.size();
    batches *= 2;
    innerFiles = Arrays.copyOf(innerFiles, batches);
    outerFiles = Arrays.copyOf(outerFiles, batches);
    int moved = table.retain(h -> batchOf(h) == batch,
        (h, row) -> file(innerFiles, innerTypes, batchOf(h)).write(h, row),
        i -> RowSize.of(table.row(i)) + (table.key(i) == null || table.key(i) == table.row(i) ? 0 : RowSize.of(table.key(i))));
    if (moved == 0 || moved == before) {
      growEnabled = false; // the split did not help: these keys are (nearly) all equal
    }
  }

  private int batchOf(int hash) {
    return Integer.reverse(hash) & (batches - 1);
  }

  private SpillFile file(SpillFile[] files, ColumnType[] types, int b) {
    if (files[b] == null) {
      files[b] = new SpillFile(temp, types, FILE_BUFFER);
    }
    return files[b];
  }

  /** Loads batch {@code batch}'s inner rows (after the first batch) and starts its outer rows. */
  private void startBatch() {
    outerRow = null;
    unmatchedInner = -1;
    if (batch == 0) {
      return;
    }
    table.clear();
    SpillFile in = innerFiles[batch];
    if (in != null) {
      try (SpillFile.Reader r = in.reader()) {
        while (r.next()) {
          int h = r.tag();
          int b = batchOf(h);
          if (b != batch) {
            file(innerFiles, innerTypes, b).write(h, r.row()); // the batches grew since it was written
            continue;
          }
          boolean nullKey = !innerKey(loadSlot.bind(r.row()));
          insert(h, r.row(), nullKey);
        }
      }
      in.delete();
      innerFiles[batch] = null;
    }
    SpillFile out = outerFiles[batch];
    outerReader = out == null ? null : out.reader();
    reportedBuckets = table.buckets();
  }

  /** Moves to the next batch that has rows; false when every batch is done. */
  private boolean nextBatch() {
    if (outerReader != null) {
      outerReader.close();
      outerReader = null;
    }
    if (outerFiles[batch] != null) {
      outerFiles[batch].delete();
      outerFiles[batch] = null;
    }
    while (++batch < batches) {
      if (innerFiles[batch] != null || outerFiles[batch] != null) {
        startBatch();
        return true;
      }
    }
    return false;
  }

  // ---- probe ---------------------------------------------------------------------------------

  static int hash(Object[] key) {
    int h = 1;
    for (Object v : key) {
      h = 31 * h + v.hashCode();
    }
    return JoinHashTable.mix(h);
  }

  private boolean keyEquals(int entry) {
    Object[] stored = table.key(entry);
    if (innerKeyColumns != null) {
      for (int i = 0; i < probe.length; i++) {
        if (!probe[i].equals(stored[innerKeyColumns[i]])) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < probe.length; i++) {
      if (!Objects.equals(probe[i], stored[i])) {
        return false;
      }
    }
    return true;
  }

  private int matching(int entry) {
    while (entry >= 0 && !keyEquals(entry)) {
      entry = table.following(entry, probeHash);
    }
    return entry;
  }

  /** Puts the outer row's normalised key into {@code probe}; false if it has a null. */
  private boolean outerKey(TupleSlot o) {
    boolean complete = true;
    for (int i = 0; i < probe.length; i++) {
      Object v = HashKey.normalise(outerKeys[i].value(o));
      probe[i] = v;
      complete &= v != null;
    }
    return complete;
  }

  /** The next outer row of this batch, with its candidates found; false at the batch's end. */
  private boolean nextOuter() {
    if (batch == 0) {
      while (true) {
        TupleSlot o = outer.next();
        if (o == null) {
          return false;
        }
        if (!outerKey(o)) {
          if (!keepOuter) {
            continue;
          }
          outerRow = o; // matches nothing: returned at once, whatever the batch
          candidate = -1;
          outerMatched = false;
          return true;
        }
        int h = hash(probe);
        if (batches > 1) {
          int b = batchOf(h);
          if (b != 0) {
            file(outerFiles, outerTypes, b).write(h, o.toArray());
            continue;
          }
        }
        startProbe(o, h);
        return true;
      }
    }
    while (outerReader != null && outerReader.next()) {
      int h = outerReader.tag();
      int b = batchOf(h);
      if (b != batch) {
        file(outerFiles, outerTypes, b).write(h, outerReader.row());
        continue;
      }
      TupleSlot o = spilledOuterSlot.bind(outerReader.row());
      outerKey(o);
      startProbe(o, h);
      return true;
    }
    return false;
  }

  private void startProbe(TupleSlot o, int h) {
    outerRow = o; // not copied: the outer side is not called again until we are done with it
    probeHash = h;
    candidate = matching(table.first(h));
    outerMatched = false;
  }

  @Override
  protected TupleSlot produce() {
    if (table == null) {
      build();
    }
    if (done) {
      return null;
    }
    JoinType type = join.type();
    while (true) {
      if (unmatchedInner < 0) {
        if (outerRow == null && !nextOuter()) {
          unmatchedInner = 0; // this batch's outer rows are done
          continue;
        }
        while (candidate >= 0) {
          int i = candidate;
          candidate = matching(table.following(i, probeHash));
          slot.bind(outerRow, innerSlot.bind(table.row(i)));
          if (!passes(joinQuals, slot)) {
            continue;
          }
          outerMatched = true;
          table.mark(i);
          if (type == JoinType.SEMI) {
            candidate = -1;
            return slot.bind(outerRow, null);
          }
          if (type == JoinType.ANTI) {
            candidate = -1;
            break;
          }
          return slot;
        }
        TupleSlot o = outerRow;
        outerRow = null;
        if (!outerMatched && keepOuter) {
          return slot.bind(o, null);
        }
        continue;
      }
      if (keepInner) {
        while (unmatchedInner < table.size()) {
          int i = unmatchedInner++;
          if (!table.matched(i)) {
            return slot.bind(null, innerSlot.bind(table.row(i)));
          }
        }
      }
      if (!nextBatch()) {
        done = true; // stays done until a rescan
        return null;
      }
    }
  }

  // ---- what EXPLAIN ANALYZE shows --------------------------------------------------------------

  /** "Buckets: N  Batches: M  Memory Usage: KkB", with "(originally ...)" when either grew; null before a build. */
  String hashDetail() {
    if (reportedBuckets == 0) {
      return null;
    }
    long kb = (peakBytes + 1023) / 1024;
    if (reportedBuckets != reportedOriginalBuckets || batches != originalBatches) {
      return "Buckets: " + reportedBuckets + " (originally " + reportedOriginalBuckets + ")  Batches: " + batches
          + " (originally " + originalBatches + ")  Memory Usage: " + kb + "kB";
    }
    return "Buckets: " + reportedBuckets + "  Batches: " + batches + "  Memory Usage: " + kb + "kB";
  }

  int batches() {
    return batches;
  }

  int originalBatches() {
    return originalBatches;
  }

  long peakBytes() {
    return peakBytes;
  }

  /** The temporary files of this node (null before the first build). */
  TempFiles tempFiles() {
    return temp;
  }

  // ---- rescan and end ------------------------------------------------------------------------

  @Override
  protected void rescanNode() {
    outer.rescan();
    if (table == null) {
      if (inner.paramsChanged()) {
        inner.rescan();
      }
      return;
    }
    if (batches == 1 && !inner.paramsChanged()) {
      table.clearMatched(); // the same inner rows: keep the table
      batch = 0;
      done = false;
      outerRow = null;
      unmatchedInner = -1;
      return;
    }
    inner.rescan();
    release();
  }

  private void release() {
    if (outerReader != null) {
      outerReader.close();
      outerReader = null;
    }
    if (temp != null) {
      temp.close();
    }
    table = null;
    innerFiles = null;
    outerFiles = null;
  }

  @Override
  public void end() {
    release();
    super.end();
  }
}
