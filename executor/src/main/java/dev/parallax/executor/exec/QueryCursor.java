package dev.parallax.executor.exec;

/**
 * The rows of a running plan, one at a time: nothing is collected in memory beyond what a node
 * needs (a sort's rows). {@link #close()} ends the execution; a closed cursor returns no rows.
 */
public final class QueryCursor implements AutoCloseable {
  private final PlanState root;
  private TupleSlot current;
  private boolean closed;
  private java.util.function.Consumer<Boolean> onClose;
  private boolean failed;

  QueryCursor(PlanState root) {
    this.root = root;
  }

  /**
   * Runs {@code action} once when the cursor closes (the session ends its statement there), with
   * whether every call succeeded (a failed row fetch fails the statement).
   */
  public void onClose(java.util.function.Consumer<Boolean> action) {
    this.onClose = action;
  }

  /** Advances to the next row; false at the end. */
  public boolean next() {
    if (closed) {
      return false;
    }
    try {
      current = root.next();
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    }
    return current != null;
  }

  /** Column {@code i} of the current row. */
  public Object get(int i) {
    return current.get(i);
  }

  /** A copy of the current row. */
  public Object[] row() {
    return current.toArray();
  }

  public PlanState state() {
    return root;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Executor.end(root);
    } finally {
      if (onClose != null) {
        onClose.accept(!failed);
      }
    }
  }
}
