package dev.parallax.executor.exec;

/**
 * Per-node instrumentation, as EXPLAIN ANALYZE shows it: rows returned, loops (starts plus
 * rescans), time to the first row and in total (only when the context asks for timing, since
 * reading the clock per row costs), and rows a filter removed. Written by the node's own thread.
 */
public final class NodeMetrics {
  long rows;
  long loops;
  long removedByFilter;
  long startupNanos = -1;
  long totalNanos;
  long pagesRead;
  long sharedHit;
  long sharedRead;

  public long rows() {
    return rows;
  }

  public long loops() {
    return loops;
  }

  public long removedByFilter() {
    return removedByFilter;
  }

  /** Time until the first row of the first loop, or -1 if none was returned or not timed. */
  public long startupNanos() {
    return startupNanos;
  }

  public long totalNanos() {
    return totalNanos;
  }

  public long pagesRead() {
    return pagesRead;
  }

  /** Pins that found their page in the buffer pool while this node (and its children) ran. */
  public long sharedHit() {
    return sharedHit;
  }

  /** Pins that had to read their page from the store while this node (and its children) ran. */
  public long sharedRead() {
    return sharedRead;
  }
}
