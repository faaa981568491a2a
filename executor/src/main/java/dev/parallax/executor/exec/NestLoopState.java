package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import java.util.List;

/**
 * For each outer row: set the internal parameters from it, rescan the inner side (which only
 * re-runs what depends on a changed parameter), and emit the pairs passing the join quals; LEFT
 * emits an unmatched outer row once with null inner columns, SEMI the first match only, ANTI only
 * rows without one.
 */
final class NestLoopState extends JoinState {
  private final NestLoopPlan join;
  private TupleSlot outerRow;
  private boolean matched;
  private boolean innerStarted;

  NestLoopState(NestLoopPlan plan, ExecContext ctx, PlanState outer, PlanState inner) {
    super(plan, ctx, outer, inner, plan.joinQuals());
    this.join = plan;
  }

  @Override
  protected void initJoin() {
    outerRow = null;
  }

  @Override
  protected TupleSlot produce() {
    while (true) {
      if (outerRow == null) {
        TupleSlot o = outer.next();
        if (o == null) {
          return null;
        }
        outerRow = VirtualSlot.of(o.toArray()); // the inner side runs before we are done with it
        for (NestLoopPlan.NestParam p : join.params()) {
          ctx.execParams().set(p.slot(), outerRow.get(p.outerColumn()));
        }
        if (innerStarted) {
          inner.rescan();
        } else {
          inner.refreshParams(); // it was initialised before the first outer row set its parameters
        }
        innerStarted = true;
        matched = false;
      }
      TupleSlot in = inner.next();
      if (in == null) {
        TupleSlot o = outerRow;
        outerRow = null;
        if (!matched && (join.type() == JoinType.LEFT || join.type() == JoinType.ANTI)) {
          return slot.bind(o, null);
        }
        continue;
      }
      slot.bind(outerRow, in);
      if (!passes(joinQuals, slot)) {
        continue;
      }
      matched = true;
      switch (join.type()) {
        case SEMI -> {
          TupleSlot o = outerRow;
          outerRow = null;
          return slot.bind(o, null);
        }
        case ANTI -> outerRow = null; // a match: this outer row is not returned
        default -> {
          return slot;
        }
      }
    }
  }

  @Override
  protected void rescanNode() {
    outer.rescan();
    outerRow = null;
  }

}
