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
