package dev.parallax.mvcc;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Row data as stored after the {@link TupleHeader}: attribute count, null bitmap, attributes.
 *
 * <pre>
 *  | natts (2) | null bitmap (ceil(natts/8), bit i set = column i is null) | attr 0 | attr 1 | ...
 * </pre>
 *
 * Null attributes take no space. Fixed-width attributes are stored little-endian; TEXT and BYTEA
 * as a 4-byte length then the bytes (TEXT in UTF-8); NUMERIC as scale (4), length (4), unscaled
 * big-endian two's complement. A row carries its own attribute count so that a reader can decode
 * it without the catalog, and columns beyond it read as null (room for ADD COLUMN later).
 *
 * <p>Decoding one column walks the preceding attributes' widths without materialising them, so a
 * scan that needs one column of a wide row pays for that column only.
 */
public final class RowCodec {
  private RowCodec() {}

  /** Encodes {@code values} (one per type, null allowed) into row data. */
  public static byte[] encode(ColumnType[] types, Object[] values) {
    if (types.length != values.length) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH,
          "row has " + values.length + " values for " + types.length + " columns");
    }
    if (types.length > 0x7FFF) {
      throw new DatabaseException(SqlState.PROGRAM_LIMIT_EXCEEDED, "too many columns: " + types.length);
    }
    byte[][] texts = new byte[types.length][];
    int size = 2 + bitmapBytes(types.length);
    for (int i = 0; i < types.length; i++) {
      Object v = values[i];
      if (v == null) {
        continue;
      }
      if (!types[i].javaType().isInstance(v)) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "column " + (i + 1) + " is of type "
            + types[i].sqlName() + " but the value is " + v.getClass().getSimpleName());
      }
      switch (types[i]) {
        case TEXT -> {
          texts[i] = ((String) v).getBytes(StandardCharsets.UTF_8);
          size += 4 + texts[i].length;
        }
        case BYTEA -> size += 4 + ((byte[]) v).length;
        case NUMERIC -> {
          texts[i] = ((BigDecimal) v).unscaledValue().toByteArray();
          size += 8 + texts[i].length;
        }
        default -> size += types[i].fixedWidth();
      }
    }
    byte[] out = new byte[size];
    SlottedPage.putShort(out, 0, types.length);
    int pos = 2 + bitmapBytes(types.length);
    for (int i = 0; i < types.length; i++) {
      Object v = values[i];
      if (v == null) {
        out[2 + (i >>> 3)] |= (byte) (1 << (i & 7));
        continue;
      }
      switch (types[i]) {
        case INTEGER -> SlottedPage.putInt(out, pos, (Integer) v);
        case BIGINT -> SlottedPage.putLong(out, pos, (Long) v);
        case DOUBLE -> SlottedPage.putLong(out, pos, Double.doubleToRawLongBits((Double) v));
        case BOOLEAN -> out[pos] = (byte) (((Boolean) v) ? 1 : 0);
        case TIMESTAMP -> SlottedPage.putLong(out, pos, toMicros((LocalDateTime) v));
        case TEXT -> {
          SlottedPage.putInt(out, pos, texts[i].length);
          System.arraycopy(texts[i], 0, out, pos + 4, texts[i].length);
        }
        case BYTEA -> {
          byte[] b = (byte[]) v;
          SlottedPage.putInt(out, pos, b.length);
          System.arraycopy(b, 0, out, pos + 4, b.length);
        }
        case NUMERIC -> {
          SlottedPage.putInt(out, pos, ((BigDecimal) v).scale());
          SlottedPage.putInt(out, pos + 4, texts[i].length);
          System.arraycopy(texts[i], 0, out, pos + 8, texts[i].length);
        }
      }
      pos += width(types[i], out, pos);
    }
    return out;
  }

  /** Decodes every column of the row data at {@code off}. */
  public static Object[] decode(ColumnType[] types, byte[] data, int off) {
    Object[] out = new Object[types.length];
    int natts = SlottedPage.getShort(data, off);
    int pos = off + 2 + bitmapBytes(natts);
    for (int i = 0; i < types.length && i < natts; i++) {
      if (isNullAt(data, off, i)) {
        continue;
      }
      out[i] = read(types[i], data, pos);
      pos += width(types[i], data, pos);
    }
    return out;
  }

  /** Decodes column {@code column} only; null if it is null or beyond the row's attributes. */
  public static Object decodeColumn(ColumnType[] types, int column, byte[] data, int off) {
    int natts = SlottedPage.getShort(data, off);
    if (column >= natts || isNullAt(data, off, column)) {
      return null;
    }
    int pos = off + 2 + bitmapBytes(natts);
    for (int i = 0; i < column; i++) {
      if (!isNullAt(data, off, i)) {
        pos += width(types[i], data, pos);
      }
    }
    return read(types[column], data, pos);
  }

  /**
   * Where column {@code column}'s value starts in {@code data}, or -1 when it is null or beyond
   * the row's attributes: lets a reader take a fixed-width value without boxing it.
   */
  public static int columnPosition(ColumnType[] types, int column, byte[] data, int off) {
    int natts = SlottedPage.getShort(data, off);
    if (column >= natts || isNullAt(data, off, column)) {
      return -1;
    }
    int pos = off + 2 + bitmapBytes(natts);
    for (int i = 0; i < column; i++) {
      if (!isNullAt(data, off, i)) {
        pos += width(types[i], data, pos);
      }
    }
    return pos;
  }

  /** An INTEGER, BIGINT or BOOLEAN (1 / 0) value at {@code pos}, unboxed. */
  public static long readLong(ColumnType t, byte[] data, int pos) {
    return switch (t) {
      case INTEGER -> SlottedPage.getInt(data, pos);
      case BIGINT -> SlottedPage.getLong(data, pos);
      case BOOLEAN -> data[pos] != 0 ? 1 : 0;
      default -> throw new IllegalArgumentException(t + " is not read as a long");
    };
  }

  /** The value at {@code pos} (as {@link #decodeColumn} returns it). */
  public static Object readAt(ColumnType t, byte[] data, int pos) {
    return read(t, data, pos);
  }

  static int attributeCount(byte[] data, int off) {
    return SlottedPage.getShort(data, off);
  }

  private static boolean isNullAt(byte[] data, int off, int i) {
    return (data[off + 2 + (i >>> 3)] & (1 << (i & 7))) != 0;
  }

  private static int bitmapBytes(int natts) {
    return (natts + 7) >>> 3;
  }

  private static int width(ColumnType t, byte[] data, int pos) {
    return switch (t) {
      case TEXT, BYTEA -> 4 + SlottedPage.getInt(data, pos);
      case NUMERIC -> 8 + SlottedPage.getInt(data, pos + 4);
      default -> t.fixedWidth();
    };
  }

  private static Object read(ColumnType t, byte[] data, int pos) {
    return switch (t) {
      case INTEGER -> SlottedPage.getInt(data, pos);
      case BIGINT -> SlottedPage.getLong(data, pos);
      case DOUBLE -> Double.longBitsToDouble(SlottedPage.getLong(data, pos));
      case BOOLEAN -> data[pos] != 0;
      case TIMESTAMP -> fromMicros(SlottedPage.getLong(data, pos));
      case TEXT -> new String(data, pos + 4, SlottedPage.getInt(data, pos), StandardCharsets.UTF_8);
      case BYTEA -> {
        int n = SlottedPage.getInt(data, pos);
        byte[] b = new byte[n];
        System.arraycopy(data, pos + 4, b, 0, n);
        yield b;
      }
      case NUMERIC -> {
        int scale = SlottedPage.getInt(data, pos);
        int n = SlottedPage.getInt(data, pos + 4);
        byte[] b = new byte[n];
        System.arraycopy(data, pos + 8, b, 0, n);
        yield new BigDecimal(new BigInteger(b), scale);
      }
    };
  }

  static long toMicros(LocalDateTime t) {
    long seconds = t.toEpochSecond(ZoneOffset.UTC);
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), t.getNano() / 1000);
  }

  static LocalDateTime fromMicros(long micros) {
    long seconds = Math.floorDiv(micros, 1_000_000L);
    int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
    return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
  }

  /** A timestamp at the precision stored (microseconds), for comparisons in callers and tests. */
  public static LocalDateTime truncate(LocalDateTime t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }
}
