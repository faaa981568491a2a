package dev.parallax.executor.exec;

import java.math.BigDecimal;

/**
 * What a row held in memory costs on a 64-bit JVM with compressed references, near enough for a
 * work_mem limit: the array (16-byte header, 4 bytes a reference) and each value's object. Small
 * Integers and Booleans are shared by the JVM, but counting them is the safer error.
 */
final class RowSize {
  private RowSize() {}

  static long of(Object[] row) {
    long size = array(row.length);
    for (Object v : row) {
      size += value(v);
    }
    return size;
  }

  /** An array of {@code n} references. */
  static long array(int n) {
    return (16 + 4L * n + 7) & ~7L;
  }

  static long value(Object v) {
    if (v == null || v instanceof Boolean) {
      return 0;
    }
    if (v instanceof String s) {
      return 40 + ((s.length() + 7) & ~7L);
    }
    if (v instanceof byte[] b) {
      return (16 + b.length + 7) & ~7L;
    }
    if (v instanceof BigDecimal) {
      return 72;
    }
    if (v instanceof java.nio.ByteBuffer b) {
      return 48 + ((b.capacity() + 7) & ~7L);
    }
    if (v instanceof java.time.LocalDateTime) {
      return 72;
    }
    return 16;
  }
}
