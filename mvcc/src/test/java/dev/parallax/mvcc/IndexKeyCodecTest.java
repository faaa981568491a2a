package dev.parallax.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Property checks of {@link IndexKeyCodec} against a reference order written from the rules
 * (not from the encoding): numeric order for numbers, -0.0 = 0.0, NaN above everything else,
 * code point order for text, unsigned bytes for bytea, NULLS LAST, column by column. Every
 * generator is a seeded {@link Random}, so a failure repeats; the seed is in the message.
 */
class IndexKeyCodecTest {
  private static final ColumnType[] ALL = ColumnType.values();

  // ---- reference order ----

  /** The SQL order of two values of type {@code t}, nulls last; independent of the codec. */
  static int compareValues(ColumnType t, Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return switch (t) {
      case INTEGER -> Integer.compare((Integer) a, (Integer) b);
      case BIGINT -> Long.compare((Long) a, (Long) b);
      case DOUBLE -> {
        double x = (Double) a;
        double y = (Double) b;
        if (x != x || y != y) { // NaN: equal to NaN, above every other number
          yield (x != x ? 1 : 0) - (y != y ? 1 : 0);
        }
        yield x < y ? -1 : x > y ? 1 : 0; // IEEE comparison: -0.0 == 0.0
      }
      case TEXT -> {
        int[] x = ((String) a).codePoints().toArray();
        int[] y = ((String) b).codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
          if (x[i] != y[i]) {
            yield Integer.compare(x[i], y[i]);
          }
        }
        yield Integer.compare(x.length, y.length);
      }
      case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
      case NUMERIC -> ((BigDecimal) a).compareTo((BigDecimal) b);
      case TIMESTAMP -> RowCodec.truncate((LocalDateTime) a).compareTo(
          RowCodec.truncate((LocalDateTime) b));
      case BYTEA -> {
        byte[] x = (byte[]) a;
        byte[] y = (byte[]) b;
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
          if (x[i] != y[i]) {
            yield Integer.compare(x[i] & 0xFF, y[i] & 0xFF);
          }
        }
        yield Integer.compare(x.length, y.length);
      }
    };
  }

  static int compareKeys(ColumnType[] types, Object[] a, Object[] b) {
    for (int i = 0; i < types.length; i++) {
      int c = compareValues(types[i], a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** What decode must return for {@code v}: the documented normalisations, written out. */
  static Object normalised(ColumnType t, Object v) {
    if (v == null) {
      return null;
    }
    return switch (t) {
      case DOUBLE -> ((Double) v == 0.0) ? 0.0 : v; // -0.0 -> 0.0; NaN stays NaN (equals)
      case TIMESTAMP -> RowCodec.truncate((LocalDateTime) v);
      case NUMERIC -> {
        BigDecimal d = (BigDecimal) v;
        if (d.signum() == 0) {
          yield BigDecimal.ZERO;
        }
        d = d.stripTrailingZeros();
        yield d.scale() < 0 && d.precision() - d.scale() <= 131072 ? d.setScale(0) : d;
      }
      default -> v;
    };
  }

  // ---- generators ----

  private static final int[] CODE_POINTS = {0, 1, 'a', 'b', 'z', 0x7F, 0x80, 0xE9, 0x7FF, 0x800,
      0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};

  static Object value(Random r, ColumnType t) {
    boolean edge = r.nextInt(3) == 0;
    return switch (t) {
      case INTEGER -> edge ? pick(r, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1)
          : r.nextBoolean() ? r.nextInt() : r.nextInt(21) - 10;
      case BIGINT -> edge ? pick(r, Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L,
          (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE + 1)
          : r.nextBoolean() ? r.nextLong() : (long) (r.nextInt(21) - 10);
      case DOUBLE -> edge ? pick(r, 0.0, -0.0, Double.NaN, Double.longBitsToDouble(0xfff8_0000_0000_0001L),
          Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE,
          Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, 1.0, -1.0)
          : switch (r.nextInt(3)) {
            case 0 -> Double.longBitsToDouble(r.nextLong()); // any bit pattern, NaNs included
            case 1 -> (double) (r.nextInt(7) - 3) / 2;
            default -> r.nextGaussian() * 1e6;
          };
      case TEXT -> {
        int n = r.nextInt(edge ? 2 : 6);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
          sb.appendCodePoint(r.nextInt(4) == 0
              ? 0xE000 + r.nextInt(0x110000 - 0xE000) : CODE_POINTS[r.nextInt(CODE_POINTS.length)]);
        }
        yield sb.toString();
      }
      case BOOLEAN -> r.nextBoolean();
      case NUMERIC -> numeric(r, edge);
      case TIMESTAMP -> edge
          ? pick(r, LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999),
              LocalDateTime.of(-290_000, 1, 1, 0, 0), LocalDateTime.of(290_000, 12, 31, 23, 59, 59, 999_999_000),
              LocalDateTime.of(2026, 1, 1, 0, 0, 0, 1), LocalDateTime.of(2026, 1, 1, 0, 0, 0, 999))
          : LocalDateTime.of(1900 + r.nextInt(250), 1 + r.nextInt(12), 1 + r.nextInt(28),
              r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(3) * 333_333_333 + r.nextInt(2) * 500);
      case BYTEA -> {
        byte[] b = new byte[r.nextInt(edge ? 2 : 6)];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) pick(r, 0x00, 0x00, 0xFF, 0x01, 0x7F, 0x80, 0xFE, r.nextInt(256)).intValue();
        }
        yield b;
      }
    };
  }

  private static BigDecimal numeric(Random r, boolean edge) {
    if (edge) {
      return pick(r, BigDecimal.ZERO, new BigDecimal("0.000"), new BigDecimal("0E+5"), BigDecimal.ONE,
          new BigDecimal("1.00"), new BigDecimal("-1.0"), new BigDecimal("1E+2"), new BigDecimal("100"),
          new BigDecimal("0.1"), new BigDecimal("0.12"), new BigDecimal("0.1201"), new BigDecimal("-0.12"),
          new BigDecimal("-0.1201"), new BigDecimal("9.99"), new BigDecimal("10"),
          new BigDecimal("1E-2000"), new BigDecimal("-1E-2000"), new BigDecimal("1E+2000"),
          new BigDecimal("1E+200000"), new BigDecimal("-7E+200000"),
          new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE),
          new BigDecimal(BigInteger.TEN.pow(40).add(BigInteger.ONE)),
          BigDecimal.valueOf(Long.MIN_VALUE), BigDecimal.valueOf(Long.MAX_VALUE),
          new BigDecimal("-123456789012345678901234567890.123456789"));
    }
    int digits = 1 + r.nextInt(r.nextBoolean() ? 4 : 30);
    BigInteger unscaled = new BigInteger(digits * 4, r);
    if (r.nextBoolean()) {
      unscaled = unscaled.negate();
    }
    if (r.nextInt(4) == 0) { // trailing zeros: same value, other scales
      unscaled = unscaled.multiply(BigInteger.TEN.pow(r.nextInt(4)));
    }
    return new BigDecimal(unscaled, r.nextInt(12) - 4);
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... choices) {
    return choices[r.nextInt(choices.length)];
  }

  static Object[] key(Random r, ColumnType[] types, int nullPercent) {
    Object[] k = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      k[i] = r.nextInt(100) < nullPercent ? null : value(r, types[i]);
    }
    return k;
  }

  // ---- the properties ----

  /** Runs every property over {@code keys} of {@code types}. */
  private static void checkAll(String what, ColumnType[] types, List<Object[]> keys, Random r) {
    List<byte[]> enc = new ArrayList<>();
    for (Object[] k : keys) {
      enc.add(IndexKeyCodec.encode(types, k));
    }
    byte[][] suffix = new byte[keys.size()][6];
    for (byte[] s : suffix) {
      r.nextBytes(s);
    }
    for (int i = 0; i < keys.size(); i++) {
      Object[] k = keys.get(i);
      byte[] e = enc.get(i);
      checkRoundTrip(what, types, k, e, r);
      for (int j = 0; j < keys.size(); j++) {
        int ref = Integer.signum(compareKeys(types, k, keys.get(j)));
        int got = Integer.signum(Arrays.compareUnsigned(e, enc.get(j)));
        if (ref != got) {
          fail(what + ": order " + show(k) + " vs " + show(keys.get(j)) + " expected " + ref
              + " but bytes give " + got);
        }
        if ((ref == 0) != Arrays.equals(e, enc.get(j))) {
          fail(what + ": equal values must have equal bytes: " + show(k) + " / " + show(keys.get(j)));
        }
        // The tree appends a heap TID: different keys keep their order, equal ones order by TID.
        int withTid = Integer.signum(Arrays.compareUnsigned(concat(e, suffix[i]),
            concat(enc.get(j), suffix[j])));
        int expected = ref != 0 ? ref : Integer.signum(Arrays.compareUnsigned(suffix[i], suffix[j]));
        if (withTid != expected) {
          fail(what + ": suffix changed the order of " + show(k) + " / " + show(keys.get(j)));
        }
      }
    }
    // Sorting by bytes gives the reference order, and sorting by reference gives sorted bytes.
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      idx.add(i);
    }
    idx.sort((a, b) -> Arrays.compareUnsigned(enc.get(a), enc.get(b)));
    for (int i = 1; i < idx.size(); i++) {
      assertTrue(compareKeys(types, keys.get(idx.get(i - 1)), keys.get(idx.get(i))) <= 0, what);
    }
    idx.sort(Comparator.comparing(keys::get, (a, b) -> compareKeys(types, a, b)));
    for (int i = 1; i < idx.size(); i++) {
      assertTrue(Arrays.compareUnsigned(enc.get(idx.get(i - 1)), enc.get(idx.get(i))) <= 0, what);
    }
  }

  private static void checkRoundTrip(String what, ColumnType[] types, Object[] k, byte[] e, Random r) {
    // decode and keyLength inside a larger buffer: junk before, a TID and junk after.
    int off = r.nextInt(4);
    byte[] junk = new byte[off + e.length + 6 + r.nextInt(4)];
    r.nextBytes(junk);
    System.arraycopy(e, 0, junk, off, e.length);
    assertEquals(e.length, IndexKeyCodec.keyLength(types, junk, off), what + ": keyLength " + show(k));
    Object[] back = IndexKeyCodec.decode(types, junk, off, e.length);
    assertEquals(types.length, back.length);
    for (int c = 0; c < types.length; c++) {
      Object want = normalised(types[c], k[c]);
      if (want instanceof byte[] b) {
        assertArrayEquals(b, (byte[]) back[c], what + ": column " + (c + 1));
      } else {
        assertEquals(want, back[c], what + ": column " + (c + 1) + " of " + show(k));
      }
      if (back[c] != null) {
        assertEquals(types[c].javaType(), back[c].getClass());
      }
    }
    // Prefix property: the first c values encode to a byte prefix of the full key.
    for (int c = 0; c <= types.length; c++) {
      byte[] p = IndexKeyCodec.encode(types, Arrays.copyOf(k, c));
      assertTrue(p.length <= e.length && Arrays.equals(p, 0, p.length, e, 0, p.length),
          what + ": prefix of " + c + " columns of " + show(k));
    }
  }

  @ParameterizedTest
  @EnumSource(ColumnType.class)
  void eachTypeAloneSortsAndRoundTrips(ColumnType t) {
    long seed = 1000 + t.ordinal();
    Random r = new Random(seed);
    ColumnType[] types = {t};
    List<Object[]> keys = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      keys.add(key(r, types, 5));
    }
    checkAll(t + " seed " + seed, types, keys, r);
  }

  @Test
  void multiColumnKeysMixingTypesAndNulls() {
    for (long seed = 1; seed <= 60; seed++) {
      Random r = new Random(seed);
      ColumnType[] types = new ColumnType[1 + r.nextInt(4)];
      for (int i = 0; i < types.length; i++) {
        types[i] = ALL[r.nextInt(ALL.length)];
      }
      // Few distinct values per column, so that ties on the first columns are common and the
      // later columns (and nulls after ties) decide.
      List<Object[]> pool = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        pool.add(key(r, types, 20));
      }
      List<Object[]> keys = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        Object[] k = new Object[types.length];
        for (int c = 0; c < types.length; c++) {
          k[c] = pool.get(r.nextInt(pool.size()))[c];
        }
        keys.add(k);
      }
      checkAll(Arrays.toString(types) + " seed " + seed, types, keys, r);
    }
  }

  @Test
  void documentedNormalisations() {
    ColumnType[] n = {ColumnType.NUMERIC};
    assertArrayEquals(IndexKeyCodec.encode(n, new Object[] {new BigDecimal("1.0")}),
        IndexKeyCodec.encode(n, new Object[] {new BigDecimal("1.00")}));
    assertEquals(new BigDecimal("100"), decode1(n, new BigDecimal("1E+2")));
    assertEquals(new BigDecimal("1.5"), decode1(n, new BigDecimal("1.500")));
    assertEquals(BigDecimal.ZERO, decode1(n, new BigDecimal("-0.00")));
    assertEquals(new BigDecimal("1E+200000"), decode1(n, new BigDecimal("1E+200000")));
    ColumnType[] d = {ColumnType.DOUBLE};
    assertEquals(0.0, decode1(d, -0.0));
    assertEquals(Double.NaN, decode1(d, Double.longBitsToDouble(0xfff0_0000_0000_0001L)));
    ColumnType[] ts = {ColumnType.TIMESTAMP};
    assertEquals(LocalDateTime.of(2026, 5, 1, 12, 0, 0, 123_456_000),
        decode1(ts, LocalDateTime.of(2026, 5, 1, 12, 0, 0, 123_456_789)));
  }

  private static Object decode1(ColumnType[] types, Object v) {
    byte[] e = IndexKeyCodec.encode(types, new Object[] {v});
    return IndexKeyCodec.decode(types, e, 0, e.length)[0];
  }

  @Test
  void typeMismatchesAreDatatypeMismatch() {
    ColumnType[] types = {ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.BYTEA};
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> IndexKeyCodec.encode(types, new Object[] {1, 2L, "text"}));
    assertEquals(SqlState.DATATYPE_MISMATCH, e.sqlState());
    assertTrue(e.getMessage().contains("column 3") && e.getMessage().contains("bytea")
        && e.getMessage().contains("String"), e.getMessage());
    // A one-column BIGINT key with an Integer must not slip through the fast path.
    e = assertThrows(DatabaseException.class,
        () -> IndexKeyCodec.encode(new ColumnType[] {ColumnType.BIGINT}, new Object[] {7}));
    assertEquals(SqlState.DATATYPE_MISMATCH, e.sqlState());
    e = assertThrows(DatabaseException.class,
        () -> IndexKeyCodec.encode(types, new Object[] {1, 2L, null, 4}));
    assertEquals(SqlState.DATATYPE_MISMATCH, e.sqlState());
  }

  @Test
  void valuesOutsideTheKeyRange() {
    DatabaseException e = assertThrows(DatabaseException.class, () -> IndexKeyCodec.encode(
        new ColumnType[] {ColumnType.NUMERIC},
        new Object[] {new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE)}));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, e.sqlState());
    e = assertThrows(DatabaseException.class, () -> IndexKeyCodec.encode(
        new ColumnType[] {ColumnType.TIMESTAMP}, new Object[] {LocalDateTime.MAX}));
    assertEquals(SqlState.DATETIME_FIELD_OVERFLOW, e.sqlState());
  }

  @Test
  void corruptKeysAreReportedNotMisread() {
    ColumnType[] types = {ColumnType.TEXT, ColumnType.NUMERIC};
    byte[] good = IndexKeyCodec.encode(types, new Object[] {"ab", new BigDecimal("12.5")});
    assertCorrupt(types, new byte[] {0x07}, "bad column tag");
    assertCorrupt(types, Arrays.copyOf(good, 3), "no end mark"); // text cut short
    assertCorrupt(types, Arrays.copyOf(good, good.length - 1), "numeric has no end mark");
    assertCorrupt(types, new byte[] {1, 'a', 0, 5, 0, 0, 2}, "0x00 followed by 0x5");
    assertCorrupt(types, new byte[] {2, 1, 9}, "bad numeric sign class");
    // keyLength only walks the structure; a bad value inside a well-formed column is decode's.
    DatabaseException bool = assertThrows(DatabaseException.class,
        () -> IndexKeyCodec.decode(new ColumnType[] {ColumnType.BOOLEAN}, new byte[] {1, 7}, 0, 2));
    assertTrue(bool.getMessage().contains("boolean byte 7"), bool.getMessage());
    assertCorrupt(new ColumnType[] {ColumnType.BIGINT}, new byte[] {1, 0, 0}, "past the end");
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> IndexKeyCodec.decode(types, trailing, 0, trailing.length));
    assertEquals(SqlState.INDEX_CORRUPTED, e.sqlState());
  }

  private static void assertCorrupt(ColumnType[] types, byte[] bytes, String detail) {
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> IndexKeyCodec.decode(types, bytes, 0, bytes.length));
    assertEquals(SqlState.INDEX_CORRUPTED, e.sqlState());
    assertTrue(e.getMessage().contains(detail), e.getMessage());
    assertThrows(DatabaseException.class, () -> IndexKeyCodec.keyLength(types, bytes, 0));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String show(Object[] key) {
    StringBuilder sb = new StringBuilder("(");
    for (Object v : key) {
      sb.append(sb.length() > 1 ? ", " : "").append(
          v instanceof byte[] b ? Arrays.toString(b) : v instanceof String s ? '"' + s + '"' : v);
    }
    return sb.append(')').toString();
  }
}
