package dev.parallax.executor.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.ExecParams;
import dev.parallax.executor.exec.VirtualSlot;
import dev.parallax.executor.expr.ExprCompiler;
import dev.parallax.executor.expr.ExprState;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stored form of expressions: random trees of every kind (mirroring ExprDifferentialTest's
 * generator, widened to every Expr record, type and function) survive encode / decode equal and
 * evaluate the same on random rows; malformed encodings fail with XX001 and nothing else.
 */
class ExprCodecTest {
  /** Row layout: a int, b int, c bigint, d text, e boolean, f double, g numeric, h timestamp, i bytea. */
  private static final ColumnType[] ROW = {ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.TEXT,
      ColumnType.BOOLEAN, ColumnType.DOUBLE, ColumnType.NUMERIC, ColumnType.TIMESTAMP, ColumnType.BYTEA};
  /** Parameters: $p1 integer, $p2 text, $p3 bigint. */
  private static final ColumnType[] PARAMS = {ColumnType.INTEGER, ColumnType.TEXT, ColumnType.BIGINT};
  private static final ColumnType[] ANY = {ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.DOUBLE, ColumnType.TEXT,
      ColumnType.BOOLEAN, ColumnType.NUMERIC, ColumnType.TIMESTAMP, ColumnType.BYTEA};
  private static final int[] INTS = {0, 1, -1, 2, 7, -7, 100, Integer.MAX_VALUE, Integer.MIN_VALUE};
  private static final long[] LONGS = {0, 1, -3, 5, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
  private static final double[] DOUBLES = {0.0, -0.0, 1.5, -2.25, Double.NaN, 1e300, Double.NEGATIVE_INFINITY};
  private static final String[] TEXTS = {"", "a", "b", "ab", "\u00e9", "z", "a%", "_b", "12", "true", "\ud83d\ude00"};
  private static final BigDecimal[] NUMERICS = {BigDecimal.ZERO, new BigDecimal("-1.50"), new BigDecimal("1e-30"),
      new BigDecimal("123456789012345678901234567890.5"), new BigDecimal("7E+5")};
  private static final LocalDateTime[] TIMES = {LocalDateTime.of(2026, 12, 1, 23, 5, 1, 123_456_789),
      LocalDateTime.of(1969, 12, 31, 23, 59, 59), LocalDateTime.of(-4000, 1, 1, 0, 0), LocalDateTime.of(9999, 12, 31, 0, 0)};

  private boolean volatileCall;
  private boolean byteaConstant;

  @Test
  void randomTreesRoundTripEqualAndEvaluateTheSame() {
    Random rnd = new Random(20261202);
    int equalChecked = 0;
    int evaluated = 0;
    for (int i = 0; i < 5000; i++) {
      volatileCall = false;
      byteaConstant = false;
      Expr e = gen(rnd, ANY[rnd.nextInt(ANY.length)], 5);
      byte[] data = ExprCodec.encode(e);
      Expr back = ExprCodec.decode(data);
      assertArrayEquals(data, ExprCodec.encode(back), "re-encoding " + e);
      assertEquals(e.type(), back.type());
      if (!byteaConstant) {
        assertEquals(e, back);
        equalChecked++;
      }
      if (volatileCall) {
        continue;
      }
      ExprState original = state(e);
      ExprState decoded = state(back);
      for (int r = 0; r < 6; r++) {
        Object[] row = randomRow(rnd);
        assertEquals(outcome(original, row), outcome(decoded, row), e + " over " + Arrays.toString(row));
        evaluated++;
      }
    }
    assertTrue(equalChecked > 4000, "only " + equalChecked + " trees compared by equals");
    assertTrue(evaluated > 20000, "only " + evaluated + " evaluations");
  }

  @Test
  void everyKindIsEncoded() {
    Expr a = new Expr.Column(0, ColumnType.INTEGER);
    Expr t = new Expr.Column(3, ColumnType.TEXT);
    List<Expr> all = List.of(a, new Expr.Constant(null, ColumnType.NUMERIC), new Expr.Param(2, ColumnType.BIGINT),
        new Expr.OuterParam(300, ColumnType.TEXT), new Expr.RowIdentity(),
        new Expr.Binary(BinaryOp.MOD, a, a), new Expr.Not(new Expr.Column(4, ColumnType.BOOLEAN)),
        new Expr.And(List.of(new Expr.IsNull(a, true), new Expr.IsNull(t, false))),
        new Expr.Or(List.of(new Expr.Like(t, t, true), new Expr.InList(a, List.of(a, a), false))),
        new Expr.Case(List.of(new Expr.When(new Expr.Binary(BinaryOp.GE, a, a), t)), null),
        new Expr.Coalesce(List.of(t, t)), new Expr.Func(ScalarFunction.SUBSTRING, List.of(t, a, a)),
        new Expr.NullIf(a, a), new Expr.Cast(t, ColumnType.TIMESTAMP), new Expr.Func(ScalarFunction.NOW, List.of()));
    for (Expr e : all) {
      assertEquals(e, ExprCodec.decode(ExprCodec.encode(e)));
    }
    byte[] bytes = {0, -1, 127, -128};
    Expr.Constant k = (Expr.Constant) ExprCodec.decode(ExprCodec.encode(new Expr.Constant(bytes, ColumnType.BYTEA)));
    assertArrayEquals(bytes, (byte[]) k.value());
    Expr.Constant nan = (Expr.Constant) ExprCodec.decode(ExprCodec.encode(new Expr.Constant(-0.0, ColumnType.DOUBLE)));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) nan.value()));
  }

  @Test
  void malformedEncodingsAreDataCorrupted() {
    byte[] good = ExprCodec.encode(new Expr.Binary(BinaryOp.ADD, new Expr.Column(1, ColumnType.BIGINT),
        new Expr.Constant(5L, ColumnType.BIGINT)));
    assertCorrupt(new byte[0], "truncated");
    assertCorrupt(new byte[] {2, 5}, "version 2");
    assertCorrupt(new byte[] {1, 99}, "unknown expression tag 99 at byte 1");
    assertCorrupt(new byte[] {1, 1, 0, 42}, "unknown type code 42");
    assertCorrupt(new byte[] {1, 6, 0}, "unknown operator code 0");
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertCorrupt(trailing, "trailing");
    for (int n = 1; n < good.length; n++) {
      assertCorrupt(Arrays.copyOf(good, n), "truncated");
    }
  }

  @Test
  void corruptBytesFailWithADatabaseErrorOnly() {
    Random rnd = new Random(7);
    int rejected = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] data = ExprCodec.encode(gen(rnd, ANY[rnd.nextInt(ANY.length)], 4));
      data[rnd.nextInt(data.length)] = (byte) rnd.nextInt(256);
      try {
        ExprCodec.decode(data);
      } catch (DatabaseException x) {
        rejected++; // corrupt (XX001) or an ill-typed tree refused by its constructor (42804, 42883)
      }
    }
    assertTrue(rejected > 0, "no corruption was noticed");
  }

  private static void assertCorrupt(byte[] data, String messagePart) {
    DatabaseException x = assertThrows(DatabaseException.class, () -> ExprCodec.decode(data));
    assertEquals("XX001", x.sqlState());
    assertTrue(x.getMessage().contains(messagePart), x.getMessage());
  }

  // ---- evaluation ----------------------------------------------------------------------------------

  private static ExprState state(Expr e) {
    ExecParams exec = new ExecParams();
    exec.set(0, 42);
    return new ExprState(ExprCompiler.compile(e), new Object[] {7, "ab", -3L}, exec);
  }

  private static String outcome(ExprState s, Object[] row) {
    try {
      Object v = s.value(VirtualSlot.of(row));
      return "value " + (v instanceof byte[] b ? HexFormat.of().formatHex(b)
          : v instanceof Double d ? Double.toString(d) : String.valueOf(v));
    } catch (DatabaseException x) {
      return "error " + x.sqlState();
    }
  }

  private static Object[] randomRow(Random rnd) {
    Object[] row = new Object[ROW.length];
    for (int i = 0; i < row.length; i++) {
      row[i] = rnd.nextInt(6) == 0 ? null : constantValue(rnd, ROW[i]);
    }
    return row;
  }

  private static Object constantValue(Random rnd, ColumnType t) {
    return switch (t) {
      case INTEGER -> INTS[rnd.nextInt(INTS.length)];
      case BIGINT -> LONGS[rnd.nextInt(LONGS.length)];
      case DOUBLE -> DOUBLES[rnd.nextInt(DOUBLES.length)];
      case TEXT -> TEXTS[rnd.nextInt(TEXTS.length)];
      case BOOLEAN -> rnd.nextBoolean();
      case NUMERIC -> NUMERICS[rnd.nextInt(NUMERICS.length)];
      case TIMESTAMP -> TIMES[rnd.nextInt(TIMES.length)];
      case BYTEA -> new byte[] {(byte) rnd.nextInt(256), 0, (byte) 0x80};
    };
  }

  // ---- the generator: typed trees of every kind -------------------------------------------------------

  private Expr gen(Random rnd, ColumnType t, int depth) {
    if (depth == 0 || rnd.nextInt(4) == 0) {
      return leaf(rnd, t);
    }
    int k = rnd.nextInt(10);
    if (k == 0) {
      return caseOf(rnd, t, depth);
    }
    if (k == 1) {
      return new Expr.Coalesce(List.of(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1), gen(rnd, t, depth - 1)));
    }
    if (k == 2) {
      return new Expr.NullIf(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1));
    }
    switch (t) {
      case BOOLEAN -> {
        switch (k) {
          case 3 -> {
            return new Expr.And(List.of(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1), gen(rnd, t, depth - 1)));
          }
          case 4 -> {
            return new Expr.Or(List.of(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1)));
          }
          case 5 -> {
            return new Expr.Not(gen(rnd, t, depth - 1));
          }
          case 6 -> {
            return new Expr.IsNull(gen(rnd, ANY[rnd.nextInt(ANY.length)], depth - 1), rnd.nextBoolean());
          }
          case 7 -> {
            return new Expr.Like(gen(rnd, ColumnType.TEXT, depth - 1), gen(rnd, ColumnType.TEXT, depth - 1), rnd.nextBoolean());
          }
          case 8 -> {
            ColumnType any = ANY[rnd.nextInt(ANY.length)];
            List<Expr> values = new ArrayList<>();
            for (int i = 0; i <= rnd.nextInt(3); i++) {
              values.add(gen(rnd, any, depth - 1));
            }
            return new Expr.InList(gen(rnd, any, depth - 1), values, rnd.nextBoolean());
          }
          default -> {
            ColumnType any = ANY[rnd.nextInt(ANY.length)];
            BinaryOp op = BinaryOp.values()[BinaryOp.EQ.ordinal() + rnd.nextInt(6)];
            return new Expr.Binary(op, gen(rnd, any, depth - 1), gen(rnd, any, depth - 1));
          }
        }
      }
      case INTEGER, BIGINT, DOUBLE, NUMERIC -> {
        if (k == 3) {
          return new Expr.Func(ScalarFunction.ABS, List.of(gen(rnd, t, depth - 1)));
        }
        if (k == 4) {
          ColumnType from = List.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.DOUBLE, ColumnType.NUMERIC,
              ColumnType.TEXT).get(rnd.nextInt(5));
          return new Expr.Cast(gen(rnd, from, depth - 1), t);
        }
        if (k == 5 && t == ColumnType.INTEGER) {
          ColumnType arg = rnd.nextBoolean() ? ColumnType.TEXT : ColumnType.BYTEA;
          return new Expr.Func(ScalarFunction.LENGTH, List.of(gen(rnd, arg, depth - 1)));
        }
        if (k == 5 && t == ColumnType.DOUBLE) {
          volatileCall = true;
          return new Expr.Func(ScalarFunction.RANDOM, List.of());
        }
        BinaryOp op = BinaryOp.values()[rnd.nextInt(5)];
        return new Expr.Binary(op, gen(rnd, t, depth - 1), gen(rnd, t, depth - 1));
      }
      case TEXT -> {
        if (k <= 4) {
          ScalarFunction fn = k == 3 ? ScalarFunction.LOWER : ScalarFunction.UPPER;
          return new Expr.Func(fn, List.of(gen(rnd, t, depth - 1)));
        }
        if (k <= 6) {
          List<Expr> args = new ArrayList<>(List.of(gen(rnd, t, depth - 1), gen(rnd, ColumnType.INTEGER, depth - 1)));
          if (k == 6) {
            args.add(gen(rnd, ColumnType.INTEGER, depth - 1));
          }
          return new Expr.Func(ScalarFunction.SUBSTRING, args);
        }
        return new Expr.Cast(gen(rnd, ANY[rnd.nextInt(ANY.length)], depth - 1), t);
      }
      case TIMESTAMP -> {
        if (k == 3) {
          volatileCall = true;
          return new Expr.Func(ScalarFunction.NOW, List.of());
        }
        return new Expr.Cast(gen(rnd, ColumnType.TEXT, depth - 1), t);
      }
      default -> {
        return new Expr.Cast(gen(rnd, ColumnType.TEXT, depth - 1), t);
      }
    }
  }

  private Expr caseOf(Random rnd, ColumnType t, int depth) {
    List<Expr.When> whens = new ArrayList<>();
    for (int i = 0; i <= rnd.nextInt(2); i++) {
      whens.add(new Expr.When(gen(rnd, ColumnType.BOOLEAN, depth - 1), gen(rnd, t, depth - 1)));
    }
    return new Expr.Case(whens, rnd.nextBoolean() ? gen(rnd, t, depth - 1) : null);
  }

  private Expr leaf(Random rnd, ColumnType t) {
    int k = rnd.nextInt(8);
    if (k < 3) {
      List<Integer> columns = new ArrayList<>();
      for (int i = 0; i < ROW.length; i++) {
        if (ROW[i] == t) {
          columns.add(i);
        }
      }
      return new Expr.Column(columns.get(rnd.nextInt(columns.size())), t);
    }
    if (k == 3) {
      for (int i = 0; i < PARAMS.length; i++) {
        if (PARAMS[i] == t) {
          return new Expr.Param(i, t);
        }
      }
    }
    if (k == 4 && t == ColumnType.INTEGER) {
      return new Expr.OuterParam(0, t);
    }
    if (k == 4 && t == ColumnType.BIGINT) {
      return new Expr.RowIdentity();
    }
    if (rnd.nextInt(8) == 0) {
      return new Expr.Constant(null, t);
    }
    byteaConstant |= t == ColumnType.BYTEA;
    return new Expr.Constant(constantValue(rnd, t), t);
  }
}
