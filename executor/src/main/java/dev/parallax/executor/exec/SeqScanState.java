package dev.parallax.executor.exec;

import dev.parallax.executor.plan.SeqScanPlan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapScan;
import java.util.List;

/** A sequential scan: every version of the relation the statement's snapshot sees, page by page. */
final class SeqScanState extends PlanState {
  private final SeqScanPlan scanPlan;
  private HeapScan scan;
  private HeapSlot slot;
  private long pagesBefore;

  SeqScanState(SeqScanPlan plan, ExecContext ctx) {
    super(plan, ctx);
    this.scanPlan = plan;
  }

  @Override
  public List<PlanState> children() {
    return List.of();
  }

  @Override
  protected void initNode() {
    slot = new HeapSlot(scanPlan.inputTypes().toArray(new ColumnType[0]));
    scan = ctx.heap().streamingScan(scanPlan.relation(), ctx.snapshot(), ctx.tx());
  }

  @Override
  protected TupleSlot produce() {
    if (!scan.advance()) {
      metrics.pagesRead = pagesBefore + scan.pagesRead();
      return null;
    }
    slot.bind(scan.pageBytes(), scan.itemOffset(), scan.currentBlock(), scan.currentSlot());
    return slot;
  }

  @Override
  protected void rescanNode() {
    pagesBefore += scan.pagesRead();
    scan = ctx.heap().streamingScan(scanPlan.relation(), ctx.snapshot(), ctx.tx());
  }

  @Override
  public void end() {
    scan = null;
  }
}
