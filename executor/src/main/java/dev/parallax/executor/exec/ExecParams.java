package dev.parallax.executor.exec;

import java.util.Arrays;

/**
 * Internal parameters of one execution: values a node sets for the nodes below it to read (a
 * nested loop passes each outer row's join columns to its inner side this way). Each slot counts
 * its changes, so a rescan can tell whether anything a subtree depends on changed. Used by one
 * thread, the execution's.
 */
public final class ExecParams {
  private Object[] values = new Object[8];
  private long[] versions = new long[8];
  /** What must be released when the execution ends beyond the state tree itself (sub-queries' trees). */
  private final java.util.List<Runnable> endActions = new java.util.ArrayList<>();

  /** Runs {@code action} when the execution ends ({@link #runEndActions}), once. */
  public void atEnd(Runnable action) {
    endActions.add(action);
  }

  /** Ends what was registered, newest first; every action runs even if one fails (the first failure is thrown). */
  public void runEndActions() {
    RuntimeException first = null;
    for (int i = endActions.size() - 1; i >= 0; i--) {
      try {
        endActions.get(i).run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    endActions.clear();
    if (first != null) {
      throw first;
    }
  }

  public Object get(int slot) {
    return slot < values.length ? values[slot] : null;
  }

  public void set(int slot, Object value) {
    if (slot >= values.length) {
      int n = Math.max(slot + 1, values.length * 2);
      values = Arrays.copyOf(values, n);
      versions = Arrays.copyOf(versions, n);
    }
    values[slot] = value;
    versions[slot]++;
  }

  long version(int slot) {
    return slot < versions.length ? versions[slot] : 0;
  }
}
