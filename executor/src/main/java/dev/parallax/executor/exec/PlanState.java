package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.expr.ProgramCache;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.Plan;
import dev.parallax.storage.BufferUsage;
import java.util.List;

/**
 * The run-time counterpart of one plan node: built by {@link Executor#start}, mirroring the plan
 * tree. Subclasses produce input rows ({@link #produce}); this class applies the node's quals and
 * target list and keeps its metrics, so every node filters and projects the same way.
 *
 * <p>Lifecycle: {@code init} (once, children first), {@code next} until it returns null,
 * {@code rescan} to start over (a nested loop's inner side), {@code end} to release resources.
 */
public abstract class PlanState {
  protected final Plan plan;
  protected final ExecContext ctx;
  final NodeMetrics metrics = new NodeMetrics();
  private ExprState[] quals;
  private ExprState[] targets;
  private int[] plainColumns;
  private VirtualSlot projected;

  protected PlanState(Plan plan, ExecContext ctx) {
    this.plan = plan;
    this.ctx = ctx;
  }

  public Plan plan() {
    return plan;
  }

  public NodeMetrics metrics() {
    return metrics;
  }

  public abstract List<PlanState> children();

  /** Compiles the quals and target list; subclasses initialise themselves and their children after. */
  public void init() {
    List<Expr> q = plan.quals();
    quals = new ExprState[q.size()];
    for (int i = 0; i < quals.length; i++) {
      quals[i] = compile(q.get(i));
    }
    List<Expr> tl = plan.targetList();
    if (tl != null) {
      targets = new ExprState[tl.size()];
      plainColumns = new int[tl.size()];
      boolean allPlain = true;
      for (int i = 0; i < targets.length; i++) {
        targets[i] = compile(tl.get(i));
        if (tl.get(i) instanceof Expr.Column c) {
          plainColumns[i] = c.index();
        } else {
          allPlain = false;
        }
      }
      if (!allPlain) {
        plainColumns = null;
      }
      projected = new VirtualSlot(targets.length);
    }
    metrics.loops++;
    if (ctx.analyze()) {
      counted(this::initNode); // what a node does to start (an index scan opens its cursor); children start inside
    } else {
      initNode();
    }
    for (PlanState c : children()) {
      paramDeps.or(c.paramDeps);
    }
    rememberParamVersions();
  }

  /** The sub-queries of this node's expressions, in the order they were compiled (EXPLAIN shows them). */
  final java.util.List<SubPlanState> subPlans = new java.util.ArrayList<>();

  /** Internal parameters this node or any node below it reads. */
  final java.util.BitSet paramDeps = new java.util.BitSet();
  private long[] seenVersions = NO_VERSIONS;

  /** Compiles an expression of this node, noting the internal parameters it reads. */
  protected final ExprState compile(Expr e) {
    dev.parallax.executor.expr.ExprProgram p = ProgramCache.program(e); // compiled once per plan, not per execution
    for (int i = 0; i < p.execParamCount(); i++) {
      paramDeps.set(p.execParam(i));
    }
    ExprState state = new ExprState(p, ctx.params(), ctx.execParams());
    if (p.hasSubPlans()) {
      // Each sub-query gets its own state tree; this node depends on whatever it reads from above.
      state.bindSubPlans(sp -> {
        SubPlanState s = new SubPlanState(sp, ctx);
        paramDeps.or(s.outerDependencies());
        subPlans.add(s);
        return s;
      });
    }
    return state;
  }

  private static final long[] NO_VERSIONS = new long[0];

  private void rememberParamVersions() {
    int n = paramDeps.length();
    if (n == 0) {
      seenVersions = NO_VERSIONS; // most nodes read no internal parameter: nothing to allocate per execution
      return;
    }
    seenVersions = new long[n];
    for (int s = paramDeps.nextSetBit(0); s >= 0; s = paramDeps.nextSetBit(s + 1)) {
      seenVersions[s] = ctx.execParams().version(s);
    }
  }

  /** Whether an internal parameter this subtree reads changed since it last started. */
  protected final boolean paramsChanged() {
    for (int s = paramDeps.nextSetBit(0); s >= 0; s = paramDeps.nextSetBit(s + 1)) {
      if (ctx.execParams().version(s) != seenVersions[s]) {
        return true;
      }
    }
    return false;
  }

  protected abstract void initNode();

  /** The next input row of this node (before its quals and target list), or null at the end. */
  protected abstract TupleSlot produce();

  /** The next output row, or null at the end. */
  public final TupleSlot next() {
    if (ctx.analyze()) {
      return instrumentedNext();
    }
    return nextRow();
  }

  /** Rows between two looks at cancel and statement_timeout, per node (see {@link #nextRow}). */
  static final int INTERRUPT_CHECK_ROWS = 256;
  private int untilInterruptCheck = INTERRUPT_CHECK_ROWS;

  /**
   * Every {@link #INTERRUPT_CHECK_ROWS} input rows a node asks the transaction whether the
   * statement was cancelled or ran past statement_timeout (a volatile read and a clock read), so
   * any long loop of a plan (a scan, the input of a sort, hash or aggregate, a nested loop's
   * inner side) stops within a few hundred rows of the request.
   */
  private TupleSlot nextRow() {
    TupleSlot out = null;
    while (true) {
      if (--untilInterruptCheck <= 0) {
        untilInterruptCheck = INTERRUPT_CHECK_ROWS;
        checkForInterrupts();
      }
      TupleSlot in = produce();
      if (in == null) {
        break;
      }
      if (passes(in)) {
        out = targets == null ? in : project(in);
        break;
      }
      metrics.removedByFilter++;
    }
    if (out != null) {
      metrics.rows++;
    }
    return out;
  }

  /** Throws 57014 if the statement was cancelled or timed out; for loops that do not return rows. */
  protected final void checkForInterrupts() {
    dev.parallax.txn.CurrentTransaction t = ctx.tx();
    if (t != null) {
      t.checkForInterrupts();
    }
  }

  /** {@link #nextRow} under EXPLAIN ANALYZE: timed, and the thread's buffer pins counted. */
  private TupleSlot instrumentedNext() {
    BufferUsage usage = BufferUsage.current();
    long hit = usage.sharedHit();
    long read = usage.sharedRead();
    long start = System.nanoTime();
    TupleSlot out;
    try {
      out = nextRow();
    } finally {
      metrics.sharedHit += usage.sharedHit() - hit;
      metrics.sharedRead += usage.sharedRead() - read;
    }
    metrics.totalNanos += System.nanoTime() - start;
    if (out != null && metrics.startupNanos < 0) {
      metrics.startupNanos = metrics.totalNanos;
    }
    return out;
  }

  /** Runs a start or rescan of the node under EXPLAIN ANALYZE, counting its buffer pins. */
  private void counted(Runnable action) {
    BufferUsage usage = BufferUsage.current();
    long hit = usage.sharedHit();
    long read = usage.sharedRead();
    try {
      action.run();
    } finally {
      metrics.sharedHit += usage.sharedHit() - hit;
      metrics.sharedRead += usage.sharedRead() - read;
    }
  }

  private boolean passes(TupleSlot in) {
    for (ExprState q : quals) {
      if (!q.test(in)) {
        return false;
      }
    }
    return true;
  }

  private TupleSlot project(TupleSlot in) {
    if (plainColumns != null) {
      for (int i = 0; i < plainColumns.length; i++) {
        projected.set(i, in.get(plainColumns[i]));
      }
    } else {
      for (int i = 0; i < targets.length; i++) {
        projected.set(i, targets[i].value(in));
      }
    }
    return projected;
  }

  /** Starts the node over from its first row. */
  public void rescan() {
    metrics.loops++;
    if (ctx.analyze()) {
      counted(this::rescanNode);
    } else {
      rescanNode();
    }
    rememberParamVersions();
  }

  protected abstract void rescanNode();

  /**
   * Before the first row: if an internal parameter this subtree reads was set after init (a
   * nested loop sets them from its first outer row), start over with it. Not counted as a loop.
   */
  void refreshParams() {
    if (paramsChanged()) {
      if (ctx.analyze()) {
        counted(this::rescanNode);
      } else {
        rescanNode();
      }
      rememberParamVersions();
    }
  }

  /** Releases what the node holds; children too. */
  public abstract void end();
}
