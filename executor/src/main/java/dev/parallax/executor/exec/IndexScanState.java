package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.IndexScanPlan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.IndexKeyCodec;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.btree.BTree;
import dev.parallax.storage.btree.BTreeCursor;
import dev.parallax.storage.btree.ScanBounds;
import java.util.Arrays;
import java.util.List;

/**
 * Index Scan and Index Only Scan. The bounds are evaluated and encoded when the scan starts (and
 * again at each rescan, which is how a nested loop's outer row reaches a parameterised inner
 * index scan). Each entry names a heap version: the snapshot decides, as for a sequential scan,
 * and the version must carry the entry's key (the tree keeps entries of every version until
 * vacuum). An index-only scan answers from the entry when the visibility map says the version's
 * page is all-visible, and counts the heap fetches it could not avoid.
 */
final class IndexScanState extends PlanState {
  private final IndexScanPlan scan;
  private final ColumnType[] tableTypes;
  private final ColumnType[] keyTypes;
  private final int[] keyColumns;
  private ExprState[] lower;
  private ExprState[] upper;
  private BTreeCursor cursor;
  private HeapSlot heapSlot;
  long heapFetches;

  IndexScanState(IndexScanPlan plan, ExecContext ctx) {
    super(plan, ctx);
    this.scan = plan;
    this.tableTypes = plan.tableTypes().toArray(new ColumnType[0]);
    List<Integer> columns = plan.keyColumns();
    this.keyColumns = new int[columns.size()];
    this.keyTypes = new ColumnType[columns.size()];
    for (int i = 0; i < keyColumns.length; i++) { // loops, not streams: this runs at every execution
      keyColumns[i] = columns.get(i);
      keyTypes[i] = tableTypes[keyColumns[i]];
    }
  }

  @Override
  public List<PlanState> children() {
    return List.of();
  }

  @Override
  protected void initNode() {
    lower = compileBound(scan.lower());
    // an equality scan (the usual point lookup) has one key for both bounds: evaluated and encoded once
    upper = scan.upper() != null && scan.upper().equals(scan.lower()) ? lower : compileBound(scan.upper());
    heapSlot = new HeapSlot(tableTypes);
    open();
  }

  private ExprState[] compileBound(List<Expr> bound) {
    if (bound == null) {
      return null;
    }
    ExprState[] out = new ExprState[bound.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(bound.get(i));
    }
    return out;
  }

  private void open() {
    Object[] lo = values(lower);
    Object[] hi = upper == lower ? lo : values(upper);
    if (lo == NO_ROWS || hi == NO_ROWS) {
      cursor = null;
      return;
    }
    byte[] loKey = lo == null ? null : IndexKeyCodec.encode(keyTypes, lo);
    byte[] hiKey = hi == lo ? loKey : hi == null ? null : IndexKeyCodec.encode(keyTypes, hi);
    ScanBounds bounds = new ScanBounds(loKey, scan.lowerInclusive(), hiKey, scan.upperInclusive());
    cursor = ctx.indexes().apply(scan.indexRelation()).scan(bounds, scan.forward());
  }

  private static final Object[] NO_ROWS = new Object[0];
  /** The row bounds are evaluated over: none (they read constants and parameters); nothing writes it. */
  private static final VirtualSlot NO_COLUMNS = new VirtualSlot(0);

  private static Object[] values(ExprState[] bound) {
    if (bound == null) {
      return null;
    }
    Object[] out = new Object[bound.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = bound[i].value(NO_COLUMNS);
      if (out[i] == null) {
        return NO_ROWS; // "= NULL" is never true
      }
    }
    return out;
  }

  @Override
  protected TupleSlot produce() {
    if (cursor == null) {
      return null;
    }
    while (cursor.next()) {
      long tid = cursor.tid();
      if (scan.indexOnly() && ctx.heap().isAllVisible(scan.relation(), BTree.tidBlock(tid))
          && cursor.entriesStillCurrent()) {
        byte[] key = cursor.key();
        return VirtualSlot.of(IndexKeyCodec.decode(keyTypes, key, 0, key.length));
      }
      heapFetches++;
      HeapTuple version = ctx.heap().fetch(scan.relation(), new Tid(BTree.tidBlock(tid), BTree.tidSlot(tid)),
          ctx.snapshot(), ctx.tx());
      if (version == null) {
        continue;
      }
      heapSlot.bind(version);
      Object[] key = new Object[keyColumns.length];
      for (int i = 0; i < key.length; i++) {
        key[i] = heapSlot.get(keyColumns[i]);
      }
      byte[] entry = cursor.key();
      if (!Arrays.equals(IndexKeyCodec.encode(keyTypes, key), entry)) {
        continue; // the entry belongs to a version whose slot now holds another
      }
      return scan.indexOnly() ? VirtualSlot.of(key) : heapSlot;
    }
    return null;
  }

  @Override
  protected void rescanNode() {
    open();
  }

  @Override
  public void end() {
    cursor = null;
  }
}
