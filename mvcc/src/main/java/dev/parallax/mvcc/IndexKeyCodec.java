package dev.parallax.mvcc;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * Index keys as bytes whose unsigned lexicographic order ({@code Arrays.compareUnsigned}) is the
 * SQL order of the values, column by column, with NULL after every non-null value (PostgreSQL's
 * default NULLS LAST). B+tree pages then compare keys with one byte loop and no type dispatch.
 *
 * <h2>Layout</h2>
 * Each column is a tag byte ({@code 0x01} present, {@code 0x02} null; a null is the tag alone)
 * followed, when present, by the value:
 * <ul>
 *   <li>INTEGER / BIGINT: big-endian with the sign bit flipped, so negatives sort first.
 *   <li>TIMESTAMP: microseconds since 1970 as BIGINT, truncated like {@link RowCodec}.
 *   <li>DOUBLE: the IEEE bits, sign bit flipped for positives and all bits inverted for
 *       negatives. -0.0 is stored as 0.0 and every NaN as the one canonical NaN, which lands
 *       above +Infinity (PostgreSQL's rule: NaN is greater than every other number).
 *   <li>BOOLEAN: one byte, 0 or 1.
 *   <li>TEXT (UTF-8) and BYTEA: the bytes with 0x00 escaped as {@code 00 FF}, ended by
 *       {@code 00 00}. The end mark sorts below an escaped zero, which sorts below every other
 *       byte, so a shorter string that is a prefix of a longer one sorts first, as it should.
 *       UTF-8 byte order is code point order (unlike Java's UTF-16 {@code compareTo}).
 *   <li>NUMERIC: a sign class (01 negative, 02 zero, 03 positive); zero ends there. Otherwise the
 *       value is 0.d1d2...dn x 10^E with d1 and dn non-zero: E as a flipped 4-byte int, then the
 *       digits two per byte (pair + 1, so 0x01..0x64, the last pair padded with a 0 digit), then
 *       a 0x00 end mark. A larger E means a larger magnitude; at equal E the digits compare
 *       lexicographically and the end mark makes 0.12 sort before 0.1201. For negatives every
 *       byte after the sign class is inverted, which reverses all of that (the end mark becomes
 *       0xFF, above every inverted pair, so -0.12 sorts after -0.1201).
 * </ul>
 *
 * <h2>Invariants</h2>
 * Every column encoding is self-delimiting and no value's encoding is a proper prefix of another
 * value's of the same type. Hence: encoding the first k values gives a byte prefix of encoding all
 * n (prefix scans); two full keys of the same types compare as their values do; and anything
 * appended after a key (the tree's 6-byte heap TID) cannot change the order of different keys.
 * Equal values encode to equal bytes, which is why -0.0, NaN payloads and NUMERIC scales are
 * normalised.
 *
 * <h2>Normalisations seen by {@link #decode}</h2>
 * DOUBLE -0.0 decodes as 0.0, any NaN as {@link Double#NaN}. NUMERIC decodes to its value with
 * the fewest fraction digits and a scale never below 0 ({@code 1.50} comes back as {@code 1.5},
 * {@code 1E+2} as {@code 100}, zero as {@link BigDecimal#ZERO}) — except past PostgreSQL's limit
 * of 131072 integer digits, where the value keeps its negative scale rather than materialise
 * the zeros. TIMESTAMP decodes truncated to microseconds. TEXT with unpaired surrogates is
 * encoded as Java's UTF-8 encoder does ('?'), exactly as the heap stores it.
 *
 * <h2>Rejected alternatives</h2>
 * A length prefix for variable-width values is shorter but breaks the order ("b" would sort
 * after "aa"); byte stuffing costs one byte per 0x00, which is rare in text. NUMERIC as the
 * unscaled value plus scale (as in {@link RowCodec}) is not comparable bytewise at different
 * scales; hence the exponent-and-digits form.
 */
public final class IndexKeyCodec {
  private IndexKeyCodec() {}

  /** Column tag: a value follows. Below {@link #NULL_TAG}, which makes NULLS LAST. */
  static final byte PRESENT_TAG = 0x01;
  /** Column tag: the column is null; nothing follows. */
  static final byte NULL_TAG = 0x02;

  private static final int NUMERIC_NEGATIVE = 0x01;
  private static final int NUMERIC_ZERO = 0x02;
  private static final int NUMERIC_POSITIVE = 0x03;
  /**
   * NUMERIC values with up to this many integer digits (PostgreSQL's limit) decode with scale
   * >= 0; larger ones keep a negative scale so that decoding does not materialise the zeros.
   */
  private static final int PLAIN_INTEGER_DIGITS = 131072;

  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** A NUMERIC value split for encoding: signum, decimal exponent E and the digits d1..dn. */
  private record NumericParts(int signum, int exponent, String digits) {
    static final NumericParts ZERO = new NumericParts(0, 0, "");

    int encodedLength() {
      return signum == 0 ? 1 : 1 + 4 + (digits.length() + 1) / 2 + 1;
    }
  }

  /**
   * Encodes {@code values} (null allowed) as a key of columns {@code types}; fewer values than
   * types encode a prefix of the key, for prefix scans.
   *
   * @throws DatabaseException 42804 if there are more values than types or a value's class is not
   *     its column's {@link ColumnType#javaType()}; 22003 / 22008 for a NUMERIC or TIMESTAMP
   *     outside the range a key can hold
   */
  public static byte[] encode(ColumnType[] types, Object[] values) {
    if (values.length > types.length) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH,
          "index key has " + values.length + " values for " + types.length + " columns");
    }
    // Fast path for the most common key: one BIGINT (point lookups by id).
    if (values.length == 1 && types[0] == ColumnType.BIGINT && values[0] instanceof Long l) {
      byte[] out = new byte[9];
      out[0] = PRESENT_TAG;
      putFlippedLong(out, 1, l);
      return out;
    }
    // Pass 1: check types, size the output, keep the converted form of variable-width values.
    Object[] prepared = null;
    int size = 0;
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      size++;
      if (v == null) {
        continue;
      }
      ColumnType t = types[i];
      if (!t.javaType().isInstance(v)) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "index key column " + (i + 1)
            + " is of type " + t.sqlName() + " but the value is " + v.getClass().getSimpleName());
      }
      switch (t) {
        case TEXT -> {
          byte[] utf8 = ((String) v).getBytes(StandardCharsets.UTF_8);
          prepared = remember(prepared, values.length, i, utf8);
          size += stuffedLength(utf8);
        }
        case BYTEA -> size += stuffedLength((byte[]) v);
        case NUMERIC -> {
          NumericParts parts = numericParts(i, (BigDecimal) v);
          prepared = remember(prepared, values.length, i, parts);
          size += parts.encodedLength();
        }
        default -> size += t.fixedWidth();
      }
    }
    // Pass 2: write.
    byte[] out = new byte[size];
    int pos = 0;
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v == null) {
        out[pos++] = NULL_TAG;
        continue;
      }
      out[pos++] = PRESENT_TAG;
      switch (types[i]) {
        case INTEGER -> {
          putFlippedInt(out, pos, (Integer) v);
          pos += 4;
        }
        case BIGINT -> {
          putFlippedLong(out, pos, (Long) v);
          pos += 8;
        }
        case DOUBLE -> {
          LONG_BE.set(out, pos, doubleKey((Double) v));
          pos += 8;
        }
        case BOOLEAN -> out[pos++] = (byte) (((Boolean) v) ? 1 : 0);
        case TIMESTAMP -> {
          putFlippedLong(out, pos, timestampMicros(i, (LocalDateTime) v));
          pos += 8;
        }
        case TEXT -> pos = putStuffed(out, pos, (byte[]) prepared[i]);
        case BYTEA -> pos = putStuffed(out, pos, (byte[]) v);
        case NUMERIC -> pos = putNumeric(out, pos, (NumericParts) prepared[i]);
      }
    }
    assert pos == size;
    return out;
  }

  /**
   * Decodes the full key (every column of {@code types}) held in {@code buf[off, off + len)}.
   * Values have the classes of {@link ColumnType#javaType()}, normalised as the class comment
   * says.
   *
   * @throws DatabaseException XX002 if the bytes are not a well-formed key of these types
   */
  public static Object[] decode(ColumnType[] types, byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    int limit = off + len;
    if (types.length == 1 && types[0] == ColumnType.BIGINT && len == 9 && buf[off] == PRESENT_TAG) {
      return new Object[] {getFlippedLong(buf, off + 1)};
    }
    Object[] out = new Object[types.length];
    int pos = off;
    for (int i = 0; i < types.length; i++) {
      int end = columnEnd(types, i, buf, pos, limit);
      if (buf[pos] == PRESENT_TAG) {
        out[i] = read(types, i, buf, pos + 1, end);
      }
      pos = end;
    }
    if (pos != limit) {
      throw new DatabaseException(SqlState.INDEX_CORRUPTED, "corrupt index key: " + (limit - pos)
          + " bytes after the last of " + types.length + " columns");
    }
    return out;
  }

  /**
   * The length of the full key of {@code types} that starts at {@code buf[off]}; whatever
   * follows it (a heap TID, page data) is not looked at.
   *
   * @throws DatabaseException XX002 if the key is malformed or runs past the end of {@code buf}
   */
  public static int keyLength(ColumnType[] types, byte[] buf, int off) {
    Objects.checkIndex(off, buf.length + 1);
    int pos = off;
    for (int i = 0; i < types.length; i++) {
      pos = columnEnd(types, i, buf, pos, buf.length);
    }
    return pos - off;
  }

  // ---- encoding helpers ----

  private static Object[] remember(Object[] prepared, int n, int i, Object value) {
    Object[] p = prepared == null ? new Object[n] : prepared;
    p[i] = value;
    return p;
  }

  private static void putFlippedInt(byte[] out, int pos, int v) {
    INT_BE.set(out, pos, v ^ Integer.MIN_VALUE);
  }

  private static void putFlippedLong(byte[] out, int pos, long v) {
    LONG_BE.set(out, pos, v ^ Long.MIN_VALUE);
  }

  /**
   * IEEE bits made unsigned-comparable. {@code d == 0.0} is also true for -0.0, and
   * doubleToLongBits (unlike the raw variant) folds every NaN into 0x7ff8000000000000, which
   * after the flip is above +Infinity.
   */
  private static long doubleKey(double d) {
    long bits = Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
    return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
  }

  private static long timestampMicros(int column, LocalDateTime t) {
    try {
      return RowCodec.toMicros(t);
    } catch (ArithmeticException e) {
      throw new DatabaseException(SqlState.DATETIME_FIELD_OVERFLOW,
          "index key column " + (column + 1) + ": timestamp out of range: " + t, e);
    }
  }

  private static int stuffedLength(byte[] src) {
    int n = src.length + 2;
    for (byte b : src) {
      if (b == 0) {
        n++;
      }
    }
    return n;
  }

  private static int putStuffed(byte[] out, int pos, byte[] src) {
    for (byte b : src) {
      out[pos++] = b;
      if (b == 0) {
        out[pos++] = (byte) 0xFF;
      }
    }
    out[pos++] = 0;
    out[pos++] = 0;
    return pos;
  }

  /** Normalises (1.0 = 1.00 = 1) and splits a NUMERIC into exponent and significant digits. */
  private static NumericParts numericParts(int column, BigDecimal v) {
    int signum = v.signum();
    if (signum == 0) {
      return NumericParts.ZERO;
    }
    BigDecimal s;
    try {
      s = v.stripTrailingZeros();
    } catch (ArithmeticException e) { // the stripped scale would leave the int range
      throw numericOutOfRange(column, v);
    }
    BigInteger u = s.unscaledValue();
    // bitLength < 63 keeps Math.abs away from Long.MIN_VALUE.
    String digits = u.bitLength() < 63 ? Long.toString(Math.abs(u.longValue())) : u.abs().toString();
    long exponent = (long) digits.length() - s.scale();
    if (exponent != (int) exponent) {
      throw numericOutOfRange(column, v);
    }
    return new NumericParts(signum, (int) exponent, digits);
  }

  private static DatabaseException numericOutOfRange(int column, BigDecimal v) {
    return new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "index key column "
        + (column + 1) + ": numeric exponent out of range: precision " + v.precision()
        + ", scale " + v.scale());
  }

  private static int putNumeric(byte[] out, int pos, NumericParts p) {
    if (p.signum() == 0) {
      out[pos++] = NUMERIC_ZERO;
      return pos;
    }
    boolean negative = p.signum() < 0;
    out[pos++] = (byte) (negative ? NUMERIC_NEGATIVE : NUMERIC_POSITIVE);
    int mask = negative ? 0xFF : 0x00; // inverting reverses the order of everything after
    int e = p.exponent() ^ Integer.MIN_VALUE;
    INT_BE.set(out, pos, negative ? ~e : e);
    pos += 4;
    String d = p.digits();
    int n = d.length();
    for (int i = 0; i < n; i += 2) {
      int hi = d.charAt(i) - '0';
      int lo = i + 1 < n ? d.charAt(i + 1) - '0' : 0;
      out[pos++] = (byte) ((1 + hi * 10 + lo) ^ mask);
    }
    out[pos++] = (byte) mask; // end mark: 0x00, or 0xFF for negatives
    return pos;
  }

  // ---- decoding helpers ----

  /** The position after column {@code i} (tag included) starting at {@code pos}. */
  private static int columnEnd(ColumnType[] types, int i, byte[] buf, int pos, int limit) {
    ColumnType t = types[i];
    if (pos >= limit) {
      throw corrupt(i, t, pos, "key ends before this column");
    }
    byte tag = buf[pos];
    if (tag == NULL_TAG) {
      return pos + 1;
    }
    if (tag != PRESENT_TAG) {
      throw corrupt(i, t, pos, "bad column tag 0x" + Integer.toHexString(tag & 0xFF));
    }
    int p = pos + 1;
    int end = switch (t) {
      case TEXT, BYTEA -> stuffedEnd(types, i, buf, p, limit);
      case NUMERIC -> numericEnd(types, i, buf, p, limit);
      default -> p + t.fixedWidth();
    };
    if (end > limit) {
      throw corrupt(i, t, pos, "value runs past the end of the key");
    }
    return end;
  }

  /** The position after the {@code 00 00} end mark of a stuffed value starting at {@code p}. */
  private static int stuffedEnd(ColumnType[] types, int i, byte[] buf, int p, int limit) {
    while (p < limit) {
      if (buf[p++] == 0) {
        if (p >= limit) {
          break;
        }
        byte next = buf[p++];
        if (next == 0) {
          return p;
        }
        if (next != (byte) 0xFF) {
          throw corrupt(i, types[i], p - 2, "0x00 followed by 0x" + Integer.toHexString(next & 0xFF));
        }
      }
    }
    throw corrupt(i, types[i], p, "no end mark");
  }

  private static int numericEnd(ColumnType[] types, int i, byte[] buf, int p, int limit) {
    if (p >= limit) {
      throw corrupt(i, types[i], p, "no numeric sign class");
    }
    int sign = buf[p++];
    if (sign == NUMERIC_ZERO) {
      return p;
    }
    if (sign != NUMERIC_NEGATIVE && sign != NUMERIC_POSITIVE) {
      throw corrupt(i, types[i], p - 1, "bad numeric sign class " + sign);
    }
    int mask = sign == NUMERIC_NEGATIVE ? 0xFF : 0x00;
    p += 4;
    while (p < limit) {
      int b = (buf[p++] & 0xFF) ^ mask;
      if (b == 0) {
        return p;
      }
      if (b > 100) {
        throw corrupt(i, types[i], p - 1, "bad numeric digit pair " + (b - 1));
      }
    }
    throw corrupt(i, types[i], p, "numeric has no end mark");
  }

  /** Reads a present value of column {@code i} from {@code buf[p, end)}, which columnEnd checked. */
  private static Object read(ColumnType[] types, int i, byte[] buf, int p, int end) {
    return switch (types[i]) {
      case INTEGER -> (int) INT_BE.get(buf, p) ^ Integer.MIN_VALUE;
      case BIGINT -> getFlippedLong(buf, p);
      case DOUBLE -> {
        long k = (long) LONG_BE.get(buf, p);
        yield Double.longBitsToDouble(k < 0 ? k ^ Long.MIN_VALUE : ~k);
      }
      case BOOLEAN -> {
        if ((buf[p] & 0xFE) != 0) {
          throw corrupt(i, types[i], p, "boolean byte " + buf[p]);
        }
        yield buf[p] == 1;
      }
      case TIMESTAMP -> RowCodec.fromMicros(getFlippedLong(buf, p));
      case TEXT -> {
        int n = end - 2 - p;
        yield indexOfZero(buf, p, end - 2) < 0
            ? new String(buf, p, n, StandardCharsets.UTF_8)
            : new String(unstuff(buf, p, end - 2), StandardCharsets.UTF_8);
      }
      case BYTEA -> unstuff(buf, p, end - 2);
      case NUMERIC -> readNumeric(types, i, buf, p, end);
    };
  }

  private static long getFlippedLong(byte[] buf, int p) {
    return (long) LONG_BE.get(buf, p) ^ Long.MIN_VALUE;
  }

  private static int indexOfZero(byte[] buf, int from, int to) {
    for (int k = from; k < to; k++) {
      if (buf[k] == 0) {
        return k;
      }
    }
    return -1;
  }

  /** Removes the 0xFF after each 0x00 in {@code buf[from, to)} (the end mark excluded). */
  private static byte[] unstuff(byte[] buf, int from, int to) {
    int zeros = 0;
    for (int k = from; k < to; k++) {
      if (buf[k] == 0) {
        zeros++;
        k++;
      }
    }
    byte[] out = new byte[to - from - zeros];
    int n = 0;
    for (int k = from; k < to; k++) {
      out[n++] = buf[k];
      if (buf[k] == 0) {
        k++;
      }
    }
    return out;
  }

  private static BigDecimal readNumeric(ColumnType[] types, int i, byte[] buf, int p, int end) {
    int sign = buf[p++];
    if (sign == NUMERIC_ZERO) {
      return BigDecimal.ZERO;
    }
    boolean negative = sign == NUMERIC_NEGATIVE;
    int mask = negative ? 0xFF : 0x00;
    int e = (int) INT_BE.get(buf, p);
    int exponent = (negative ? ~e : e) ^ Integer.MIN_VALUE;
    p += 4;
    int pairs = end - 1 - p;
    if (pairs == 0) {
      throw corrupt(i, types[i], p, "numeric without digits");
    }
    char[] digits = new char[pairs * 2];
    for (int k = 0; k < pairs; k++) {
      int pair = ((buf[p + k] & 0xFF) ^ mask) - 1;
      digits[2 * k] = (char) ('0' + pair / 10);
      digits[2 * k + 1] = (char) ('0' + pair % 10);
    }
    int n = digits[digits.length - 1] == '0' ? digits.length - 1 : digits.length; // padding
    if (digits[0] == '0' || digits[n - 1] == '0') {
      throw corrupt(i, types[i], p, "numeric digits not normalised");
    }
    long scale = (long) n - exponent;
    if (scale != (int) scale) {
      throw corrupt(i, types[i], p, "numeric scale out of range");
    }
    BigDecimal d = n <= 18
        ? BigDecimal.valueOf(Long.parseLong(new String(digits, 0, n)), (int) scale)
        : new BigDecimal(new BigInteger(new String(digits, 0, n)), (int) scale);
    if (negative) {
      d = d.negate();
    }
    if (scale < 0 && exponent <= PLAIN_INTEGER_DIGITS) {
      d = d.setScale(0);
    }
    return d;
  }

  private static DatabaseException corrupt(int column, ColumnType t, int offset, String detail) {
    return new DatabaseException(SqlState.INDEX_CORRUPTED, "corrupt index key: column "
        + (column + 1) + " (" + t.sqlName() + ") at byte " + offset + ": " + detail);
  }
}
