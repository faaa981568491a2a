package dev.parallax.executor.expr;

import dev.parallax.executor.plan.Expr;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The compiled programs of expressions whose plans run again and again (a point select built
 * once and run per key compiled its bound, quals and targets at every execution). Keyed by the
 * expression's identity: a plan, and so each of its expressions, is immutable, and a program
 * depends on nothing but its expression. A program is immutable as well (registers live in
 * {@link ExprState}, one per execution), so one copy serves every execution in every thread.
 *
 * <p>Bounded and lock-free: a direct-mapped table of {@value #SLOTS} entries indexed by the
 * identity hash; an expression that lands on an occupied slot replaces its entry, so the cache
 * holds at most that many expressions alive after their plans are gone. Entries are immutable
 * and published through the array's volatile slots: a reader sees a whole entry or another one,
 * and a racing writer costs one compile more, never a wrong program (the identity is checked).
 */
public final class ProgramCache {
  static final int SLOTS = 4096;

  private record Entry(Expr expr, ExprProgram program) {}

  private static final AtomicReferenceArray<Entry> ENTRIES = new AtomicReferenceArray<>(SLOTS);

  private ProgramCache() {}

  /** The program of {@code e}, compiled on first use (as {@link ExprCompiler#compile}). */
  public static ExprProgram program(Expr e) {
    int slot = System.identityHashCode(e) & (SLOTS - 1);
    Entry entry = ENTRIES.get(slot);
    if (entry != null && entry.expr == e) {
      return entry.program;
    }
    ExprProgram p = ExprCompiler.compile(e);
    ENTRIES.lazySet(slot, new Entry(e, p));
    return p;
  }
}
