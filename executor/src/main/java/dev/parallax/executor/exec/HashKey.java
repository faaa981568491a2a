package dev.parallax.executor.exec;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Values made into hash-table keys that are equal exactly when SQL's = says so: -0.0 and 0.0 are
 * one key, every NaN is one key, 1.0 and 1.00 are one key, bytea compares by content. Used by hash
 * joins and hashed aggregation. A key holding a null never equals anything in a join (callers
 * check {@link #hasNull}), while GROUP BY puts all nulls in one group.
 */
final class HashKey {
  private HashKey() {}

  static Object normalise(Object v) {
    if (v instanceof Double d) {
      return d == 0.0 ? 0.0 : Double.isNaN(d) ? Double.NaN : d;
    }
    if (v instanceof BigDecimal b) {
      return b.signum() == 0 ? BigDecimal.ZERO : b.stripTrailingZeros();
    }
    if (v instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes.clone());
    }
    return v;
  }

  static List<Object> of(Object[] values) {
    Object[] out = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = normalise(values[i]);
    }
    return Arrays.asList(out);
  }

  static boolean hasNull(Object[] values) {
    for (Object v : values) {
      if (v == null) {
        return true;
      }
    }
    return false;
  }
}
