package dev.parallax.storage.btree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The abbreviation rules of {@link PageSearch}, checked against {@code Arrays.compareUnsigned}
 * on strings made to tie: shared 8-byte and longer prefixes, zero and 0xFF bytes, strings that
 * are prefixes of others, the empty remainder.
 */
class PageSearchTest {
  private static byte[] random(Random rnd) {
    int len = rnd.nextInt(14);
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      int r = rnd.nextInt(4);
      b[i] = (byte) (r == 0 ? 0 : r == 1 ? 0xFF : r == 2 ? 1 : rnd.nextInt(256));
    }
    return b;
  }

  private static long ab(byte[] b) {
    return PageSearch.abbreviate(b, 0, b.length);
  }

  @Test
  void abbreviationsOrderAsTheBytesDoUnlessBothAreLong() {
    Random rnd = new Random(7);
    int ties = 0;
    for (int n = 0; n < 200_000; n++) {
      byte[] a = random(rnd);
      byte[] b = rnd.nextBoolean() ? random(rnd) : mutateTail(a, rnd);
      int bytes = Integer.signum(Arrays.compareUnsigned(a, b));
      long x = ab(a);
      long y = ab(b);
      if (x == y && PageSearch.isLong(x)) {
        ties++;
        assertTrue(a.length > 7 && b.length > 7 && Arrays.equals(a, 0, 7, b, 0, 7), "tie only on long strings sharing 7 bytes");
        continue;
      }
      assertEquals(bytes, Integer.signum(Long.compare(x, y)), () -> Arrays.toString(a) + " vs " + Arrays.toString(b));
      // startsWith: decided exactly for a short key, or "cannot tell" only on an equal long one
      int s = PageSearch.startsWith(x, y);
      boolean really = a.length >= b.length && Arrays.equals(a, 0, b.length, b, 0, b.length);
      if (s < 0) {
        assertTrue(PageSearch.isLong(y) && x == y);
      } else {
        assertEquals(really, s == 1, () -> Arrays.toString(a) + " starts with " + Arrays.toString(b));
      }
    }
    assertTrue(ties > 100, "the generator makes ties: " + ties);
  }

  /** {@code a} with its tail changed or cut, so that the two share a long prefix. */
  private static byte[] mutateTail(byte[] a, Random rnd) {
    byte[] b = Arrays.copyOf(a, Math.max(0, a.length + rnd.nextInt(5) - 2));
    if (b.length > 0 && rnd.nextBoolean()) {
      b[b.length - 1] = (byte) rnd.nextInt(256);
    }
    return b;
  }

  @Test
  void sentinelsAreOutsideEveryRealAbbreviation() {
    Random rnd = new Random(11);
    for (int n = 0; n < 10_000; n++) {
      long x = ab(random(rnd));
      assertTrue(PageSearch.BELOW < x);
      assertTrue(x <= PageSearch.ABOVE);
      assertTrue(x != PageSearch.UNKNOWN);
      assertEquals(0, PageSearch.startsWith(x, PageSearch.BELOW));
    }
    assertTrue(ab(new byte[0]) > PageSearch.BELOW, "the empty remainder is a real abbreviation");
  }
}
