package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of an {@link Expr}: what the catalog keeps for CHECK constraints and column
 * DEFAULTs (PostgreSQL keeps its node trees as text in pg_constraint.conbin / pg_attrdef.adbin).
 *
 * <p>Layout: one version byte ({@link #VERSION}), then the tree in prefix order. Each node is a
 * tag byte followed by its fields; counts, indexes and lengths are unsigned varints, an int
 * constant a zig-zag varint. Types, operators and functions are written as the codes in the tables
 * below, never as Java ordinals, so reordering an enum cannot change what stored bytes mean; a new
 * kind, type, operator or function gets a new code appended to its table (the version byte changes
 * only if an existing layout does).
 *
 * <pre>
 *  node := 1 Column   index type          | 9  Or        n node*
 *        | 2 Constant type isNull value?  | 10 IsNull    negated node
 *        | 3 Param    index type          | 11 Case      n (node node)* hasElse node?
 *        | 4 OuterParam slot type         | 12 Coalesce  n node*
 *        | 5 RowIdentity                  | 13 Func      fn n node*
 *        | 6 Binary   op node node        | 14 Like      negated node node
 *        | 7 Not      node                | 15 InList    negated node n node*
 *        | 8 And      n node*             | 16 NullIf    node node      | 17 Cast type node
 * </pre>
 *
 * Constant values: integer zig-zag varint; bigint, timestamp seconds and double raw bits 8 bytes
 * big-endian (so NaN and -0.0 survive); timestamp nanos varint; text UTF-8 and bytea with a
 * varint length; numeric a zig-zag scale and the unscaled two's-complement bytes.
 *
 * <p>Invariant: {@code decode(encode(e)).equals(e)} for every expression whose constants compare
 * by value (a bytea constant's array compares by identity; its bytes round-trip). Decoding goes
 * through the record constructors, so a decoded tree is type-checked like a built one. Malformed
 * input (unknown version, tag or code, truncation, trailing bytes) is an XX001 naming the byte.
 */
public final class ExprCodec {
  /** The layout version written first; decode accepts only this one. */
  public static final int VERSION = 1;

  private static final ColumnType[] TYPES = {null, ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.DOUBLE,
      ColumnType.TEXT, ColumnType.BOOLEAN, ColumnType.NUMERIC, ColumnType.TIMESTAMP, ColumnType.BYTEA};
  private static final BinaryOp[] OPS = {null, BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MOD,
      BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE};
  private static final ScalarFunction[] FUNCTIONS = {null, ScalarFunction.ABS, ScalarFunction.LENGTH,
      ScalarFunction.LOWER, ScalarFunction.UPPER, ScalarFunction.SUBSTRING, ScalarFunction.NOW, ScalarFunction.RANDOM};

  private static final int COLUMN = 1;
  private static final int CONSTANT = 2;
  private static final int PARAM = 3;
  private static final int OUTER_PARAM = 4;
  private static final int ROW_IDENTITY = 5;
  private static final int BINARY = 6;
  private static final int NOT = 7;
  private static final int AND = 8;
  private static final int OR = 9;
  private static final int IS_NULL = 10;
  private static final int CASE = 11;
  private static final int COALESCE = 12;
  private static final int FUNC = 13;
  private static final int LIKE = 14;
  private static final int IN_LIST = 15;
  private static final int NULL_IF = 16;
  private static final int CAST = 17;

  private ExprCodec() {}

  /** The stored form of {@code e}; 0A000 for an expression kind this version cannot store. */
  public static byte[] encode(Expr e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    out.write(VERSION);
    write(out, e);
    return out.toByteArray();
  }

  /** The expression stored in {@code data}; XX001 if it is not a well-formed encoding. */
  public static Expr decode(byte[] data) {
    Reader in = new Reader(data);
    int version = in.u8();
    if (version != VERSION) {
      throw corrupt("expression encoding version " + version + " is not supported (this build reads " + VERSION + ")");
    }
    Expr e = in.node();
    if (in.pos != data.length) {
      throw corrupt("expression encoding has " + (data.length - in.pos) + " trailing bytes after byte " + in.pos);
    }
    return e;
  }

  // ---- writing ------------------------------------------------------------------------------------

  private static void write(ByteArrayOutputStream out, Expr e) {
    if (e instanceof Expr.Column c) {
      out.write(COLUMN);
      varint(out, c.index());
      out.write(code(TYPES, c.type()));
    } else if (e instanceof Expr.Constant k) {
      out.write(CONSTANT);
      out.write(code(TYPES, k.type()));
      out.write(k.value() == null ? 1 : 0);
      if (k.value() != null) {
        constant(out, k.type(), k.value());
      }
    } else if (e instanceof Expr.Param p) {
      out.write(PARAM);
      varint(out, p.index());
      out.write(code(TYPES, p.type()));
    } else if (e instanceof Expr.OuterParam p) {
      out.write(OUTER_PARAM);
      varint(out, p.slot());
      out.write(code(TYPES, p.type()));
    } else if (e instanceof Expr.RowIdentity) {
      out.write(ROW_IDENTITY);
    } else if (e instanceof Expr.Binary b) {
      out.write(BINARY);
      out.write(code(OPS, b.op()));
      write(out, b.left());
      write(out, b.right());
    } else if (e instanceof Expr.Not n) {
      out.write(NOT);
      write(out, n.arg());
    } else if (e instanceof Expr.And a) {
      out.write(AND);
      list(out, a.args());
    } else if (e instanceof Expr.Or o) {
      out.write(OR);
      list(out, o.args());
    } else if (e instanceof Expr.IsNull n) {
      out.write(IS_NULL);
      out.write(n.negated() ? 1 : 0);
      write(out, n.arg());
    } else if (e instanceof Expr.Case c) {
      out.write(CASE);
      varint(out, c.whens().size());
      for (Expr.When w : c.whens()) {
        write(out, w.condition());
        write(out, w.result());
      }
      out.write(c.otherwise() == null ? 0 : 1);
      if (c.otherwise() != null) {
        write(out, c.otherwise());
      }
    } else if (e instanceof Expr.Coalesce c) {
      out.write(COALESCE);
      list(out, c.args());
    } else if (e instanceof Expr.Func f) {
      out.write(FUNC);
      out.write(code(FUNCTIONS, f.fn()));
      list(out, f.args());
    } else if (e instanceof Expr.Like l) {
      out.write(LIKE);
      out.write(l.negated() ? 1 : 0);
      write(out, l.arg());
      write(out, l.pattern());
    } else if (e instanceof Expr.InList in) {
      out.write(IN_LIST);
      out.write(in.negated() ? 1 : 0);
      write(out, in.arg());
      list(out, in.values());
    } else if (e instanceof Expr.NullIf n) {
      out.write(NULL_IF);
      write(out, n.a());
      write(out, n.b());
    } else if (e instanceof Expr.Cast c) {
      out.write(CAST);
      out.write(code(TYPES, c.target()));
      write(out, c.arg());
    } else {
      throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "cannot store an expression of kind "
          + e.getClass().getSimpleName() + ": " + e);
    }
  }

  private static void list(ByteArrayOutputStream out, List<Expr> args) {
    varint(out, args.size());
    for (Expr a : args) {
      write(out, a);
    }
  }

  private static void constant(ByteArrayOutputStream out, ColumnType t, Object v) {
    switch (t) {
      case INTEGER -> {
        int i = (Integer) v;
        varint(out, (i << 1) ^ (i >> 31));
      }
      case BIGINT -> fixed64(out, (Long) v);
      case DOUBLE -> fixed64(out, Double.doubleToRawLongBits((Double) v));
      case BOOLEAN -> out.write((Boolean) v ? 1 : 0);
      case TEXT -> bytes(out, ((String) v).getBytes(StandardCharsets.UTF_8));
      case BYTEA -> bytes(out, (byte[]) v);
      case NUMERIC -> {
        BigDecimal d = (BigDecimal) v;
        varint(out, (d.scale() << 1) ^ (d.scale() >> 31));
        bytes(out, d.unscaledValue().toByteArray());
      }
      case TIMESTAMP -> {
        LocalDateTime ts = (LocalDateTime) v;
        fixed64(out, ts.toEpochSecond(ZoneOffset.UTC));
        varint(out, ts.getNano());
      }
    }
  }

  private static <T> int code(T[] table, T value) {
    for (int i = 1; i < table.length; i++) {
      if (table[i] == value) {
        return i;
      }
    }
    throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "cannot store " + value + " in an expression");
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static void fixed64(ByteArrayOutputStream out, long v) {
    for (int s = 56; s >= 0; s -= 8) {
      out.write((int) (v >>> s));
    }
  }

  private static void bytes(ByteArrayOutputStream out, byte[] b) {
    varint(out, b.length);
    out.write(b, 0, b.length);
  }

  private static DatabaseException corrupt(String message) {
    return new DatabaseException(SqlState.DATA_CORRUPTED, message);
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** A cursor over the encoded bytes; every read checks the end. */
  private static final class Reader {
    final byte[] data;
    int pos;

    Reader(byte[] data) {
      this.data = data;
    }

    Expr node() {
      int at = pos;
      int tag = u8();
      switch (tag) {
        case COLUMN: {
          int index = varint();
          return new Expr.Column(index, type());
        }
        case CONSTANT: {
          ColumnType t = type();
          boolean isNull = flag();
          return new Expr.Constant(isNull ? null : constant(t), t);
        }
        case PARAM: {
          int index = varint();
          return new Expr.Param(index, type());
        }
        case OUTER_PARAM: {
          int slot = varint();
          return new Expr.OuterParam(slot, type());
        }
        case ROW_IDENTITY:
          return new Expr.RowIdentity();
        case BINARY: {
          BinaryOp op = entry(OPS, "operator");
          Expr left = node();
          return new Expr.Binary(op, left, node());
        }
        case NOT:
          return new Expr.Not(node());
        case AND:
          return new Expr.And(list());
        case OR:
          return new Expr.Or(list());
        case IS_NULL: {
          boolean negated = flag();
          return new Expr.IsNull(node(), negated);
        }
        case CASE: {
          int n = count();
          List<Expr.When> whens = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            Expr condition = node();
            whens.add(new Expr.When(condition, node()));
          }
          return new Expr.Case(whens, flag() ? node() : null);
        }
        case COALESCE:
          return new Expr.Coalesce(list());
        case FUNC: {
          ScalarFunction fn = entry(FUNCTIONS, "function");
          return new Expr.Func(fn, list());
        }
        case LIKE: {
          boolean negated = flag();
          Expr arg = node();
          return new Expr.Like(arg, node(), negated);
        }
        case IN_LIST: {
          boolean negated = flag();
          Expr arg = node();
          return new Expr.InList(arg, list(), negated);
        }
        case NULL_IF: {
          Expr a = node();
          return new Expr.NullIf(a, node());
        }
        case CAST: {
          ColumnType target = type();
          return new Expr.Cast(node(), target);
        }
        default:
          throw corrupt("unknown expression tag " + tag + " at byte " + at);
      }
    }

    private List<Expr> list() {
      int n = count();
      List<Expr> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(node());
      }
      return out;
    }

    private Object constant(ColumnType t) {
      switch (t) {
        case INTEGER: {
          int z = varint();
          return (z >>> 1) ^ -(z & 1);
        }
        case BIGINT:
          return fixed64();
        case DOUBLE:
          return Double.longBitsToDouble(fixed64());
        case BOOLEAN:
          return flag();
        case TEXT:
          return new String(bytes(), StandardCharsets.UTF_8);
        case BYTEA:
          return bytes();
        case NUMERIC: {
          int z = varint();
          int scale = (z >>> 1) ^ -(z & 1);
          byte[] unscaled = bytes();
          if (unscaled.length == 0) {
            throw corrupt("numeric constant without digits at byte " + pos);
          }
          return new BigDecimal(new BigInteger(unscaled), scale);
        }
        default: {
          long seconds = fixed64();
          int nanos = varint();
          if (nanos < 0 || nanos > 999_999_999) {
            throw corrupt("timestamp constant with " + nanos + " nanoseconds at byte " + pos);
          }
          try {
            return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
          } catch (java.time.DateTimeException e) {
            throw corrupt("timestamp constant out of range at byte " + pos);
          }
        }
      }
    }

    private ColumnType type() {
      return entry(TYPES, "type");
    }

    private <T> T entry(T[] table, String what) {
      int at = pos;
      int c = u8();
      if (c <= 0 || c >= table.length) {
        throw corrupt("unknown " + what + " code " + c + " at byte " + at);
      }
      return table[c];
    }

    private boolean flag() {
      int at = pos;
      int b = u8();
      if (b > 1) {
        throw corrupt("flag byte " + b + " at byte " + at + " is neither 0 nor 1");
      }
      return b == 1;
    }

    /** A count of following items: each takes at least one byte, so more than remain is corrupt. */
    private int count() {
      int at = pos;
      int n = varint();
      if (n < 0 || n > data.length - pos) {
        throw corrupt("list of " + n + " items at byte " + at + " is longer than the encoding");
      }
      return n;
    }

    int u8() {
      if (pos >= data.length) {
        throw corrupt("expression encoding is truncated at byte " + pos);
      }
      return data[pos++] & 0xFF;
    }

    private int varint() {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = u8();
        v |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw corrupt("varint longer than 5 bytes before byte " + pos);
    }

    private long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | u8();
      }
      return v;
    }

    private byte[] bytes() {
      int at = pos;
      int n = varint();
      if (n < 0 || n > data.length - pos) {
        throw corrupt("value of " + n + " bytes at byte " + at + " runs past the end of the encoding");
      }
      byte[] out = java.util.Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return out;
    }
  }
}
