package dev.parallax.storage.btree;

import java.util.Arrays;

/**
 * The range of a scan over encoded keys. A bound is a key prefix: an inclusive upper bound
 * {@code u} admits every key that starts with {@code u} (so that a bound on the first columns of
 * a multi-column key covers all values of the others), an exclusive lower bound {@code l} skips
 * every key that starts with {@code l}. A null bound is open.
 *
 * @param lower the lowest key (prefix) admitted, or null
 * @param upper the highest key (prefix) admitted, or null
 */
public record ScanBounds(byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive) {
  public static final ScanBounds ALL = new ScanBounds(null, true, null, true);

  /** Every entry whose key starts with {@code prefix}: an equality lookup on leading columns. */
  public static ScanBounds prefix(byte[] prefix) {
    return new ScanBounds(prefix, true, prefix, true);
  }

  /** Whether an item (key bytes, then anything) is at or above the lower bound. */
  boolean aboveLower(byte[] item) {
    return aboveLower(item, 0, item.length);
  }

  boolean aboveLower(byte[] b, int off, int len) {
    if (lower == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(b, off, off + len, lower, 0, lower.length);
    if (lowerInclusive) {
      return c >= 0;
    }
    return c > 0 && !startsWith(b, off, len, lower);
  }

  /** Whether an item is at or below the upper bound. */
  boolean belowUpper(byte[] b, int off, int len) {
    if (upper == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(b, off, off + len, upper, 0, upper.length);
    if (upperInclusive) {
      return c <= 0 || startsWith(b, off, len, upper);
    }
    return c < 0;
  }

  /**
   * The smallest byte string above every item within the upper bound, from which a backward scan
   * searches down; null when there is none (no upper bound, or one of only 0xFF bytes).
   */
  byte[] backwardStart() {
    if (upper == null) {
      return null;
    }
    if (!upperInclusive) {
      return upper;
    }
    // Items starting with the prefix are admitted: start just past all of them.
    int n = upper.length;
    while (n > 0 && upper[n - 1] == (byte) 0xFF) {
      n--;
    }
    if (n == 0) {
      return null;
    }
    byte[] next = Arrays.copyOf(upper, n);
    next[n - 1]++;
    return next;
  }

  private static boolean startsWith(byte[] b, int off, int len, byte[] prefix) {
    return len >= prefix.length && Arrays.equals(b, off, off + prefix.length, prefix, 0, prefix.length);
  }
}
