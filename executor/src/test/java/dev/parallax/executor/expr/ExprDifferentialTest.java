package dev.parallax.executor.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parallax.executor.exec.VirtualSlot;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random expressions over random rows (with nulls and extreme values), evaluated by the compiled
 * flat programs and by a plain recursive interpreter written here from SQL's rules; the value, or
 * the SQLSTATE of the error, must agree every time.
 */
class ExprDifferentialTest {
  /** Row layout: a integer, b integer, c bigint, d text, e boolean, f double. */
  private static final ColumnType[] ROW = {ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.TEXT,
      ColumnType.BOOLEAN, ColumnType.DOUBLE};
  private static final int[] INTS = {0, 1, -1, 2, 7, -7, 100, Integer.MAX_VALUE, Integer.MIN_VALUE};
  private static final long[] LONGS = {0, 1, -3, 5, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
  private static final String[] TEXTS = {"", "a", "b", "ab", "\u00e9", "z"};

  @Test
  void compiledProgramsAgreeWithAReferenceInterpreter() {
    Random rnd = new Random(20261201);
    int errors = 0;
    for (int i = 0; i < 4000; i++) {
      ColumnType want = List.of(ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.TEXT,
          ColumnType.DOUBLE).get(rnd.nextInt(5));
      Expr e = gen(rnd, want, 4);
      ExprState compiled = new ExprState(ExprCompiler.compile(e), new Object[0]);
      for (int r = 0; r < 8; r++) {
        Object[] row = randomRow(rnd);
        String expected = outcome(() -> reference(e, row));
        String actual = outcome(() -> compiled.value(VirtualSlot.of(row)));
        errors += expected.startsWith("error") ? 1 : 0;
        assertEquals(expected, actual, e + " over " + java.util.Arrays.toString(row));
      }
    }
    System.out.println("expression differential: 32000 evaluations, " + errors + " errors agreed on");
  }

  private interface Eval {
    Object run();
  }

  private static String outcome(Eval f) {
    try {
      Object v = f.run();
      return "value " + (v instanceof Double d ? Double.toString(d) : String.valueOf(v));
    } catch (DatabaseException x) {
      return "error " + x.sqlState();
    }
  }

  private static Object[] randomRow(Random rnd) {
    Object[] row = new Object[ROW.length];
    row[0] = rnd.nextInt(6) == 0 ? null : INTS[rnd.nextInt(INTS.length)];
    row[1] = rnd.nextInt(6) == 0 ? null : rnd.nextInt(21) - 10;
    row[2] = rnd.nextInt(6) == 0 ? null : LONGS[rnd.nextInt(LONGS.length)];
    row[3] = rnd.nextInt(6) == 0 ? null : TEXTS[rnd.nextInt(TEXTS.length)];
    row[4] = rnd.nextInt(4) == 0 ? null : rnd.nextBoolean();
    row[5] = rnd.nextInt(6) == 0 ? null : new double[] {0.0, -0.0, 1.5, -2.25, Double.NaN, 1e300}[rnd.nextInt(6)];
    return row;
  }

  private static Expr gen(Random rnd, ColumnType t, int depth) {
    if (depth == 0 || rnd.nextInt(4) == 0) {
      return leaf(rnd, t);
    }
    switch (t) {
      case BOOLEAN -> {
        switch (rnd.nextInt(6)) {
          case 0 -> {
            return new Expr.And(List.of(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1), gen(rnd, t, depth - 1)));
          }
          case 1 -> {
            return new Expr.Or(List.of(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1)));
          }
          case 2 -> {
            return new Expr.Not(gen(rnd, t, depth - 1));
          }
          case 3 -> {
            ColumnType any = List.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.TEXT, ColumnType.DOUBLE)
                .get(rnd.nextInt(4));
            return new Expr.IsNull(gen(rnd, any, depth - 1), rnd.nextBoolean());
          }
          default -> {
            ColumnType any = List.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.TEXT, ColumnType.DOUBLE,
                ColumnType.BOOLEAN).get(rnd.nextInt(5));
            BinaryOp op = BinaryOp.values()[BinaryOp.EQ.ordinal() + rnd.nextInt(6)];
            return new Expr.Binary(op, gen(rnd, any, depth - 1), gen(rnd, any, depth - 1));
          }
        }
      }
      case TEXT -> {
        return rnd.nextBoolean() ? caseOf(rnd, t, depth) : new Expr.Coalesce(List.of(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1)));
      }
      default -> {
        int k = rnd.nextInt(7);
        if (k == 5) {
          return caseOf(rnd, t, depth);
        }
        if (k == 6) {
          return new Expr.Coalesce(List.of(gen(rnd, t, depth - 1), gen(rnd, t, depth - 1)));
        }
        return new Expr.Binary(BinaryOp.values()[k], gen(rnd, t, depth - 1), gen(rnd, t, depth - 1));
      }
    }
  }

  private static Expr caseOf(Random rnd, ColumnType t, int depth) {
    List<Expr.When> whens = new ArrayList<>();
    for (int i = 0; i <= rnd.nextInt(2); i++) {
      whens.add(new Expr.When(gen(rnd, ColumnType.BOOLEAN, depth - 1), gen(rnd, t, depth - 1)));
    }
    return new Expr.Case(whens, rnd.nextBoolean() ? gen(rnd, t, depth - 1) : null);
  }

  private static Expr leaf(Random rnd, ColumnType t) {
    boolean column = rnd.nextBoolean();
    return switch (t) {
      case INTEGER -> column ? new Expr.Column(rnd.nextInt(2), t) : new Expr.Constant(rnd.nextInt(8) == 0 ? null : INTS[rnd.nextInt(INTS.length)], t);
      case BIGINT -> column ? new Expr.Column(2, t) : new Expr.Constant(rnd.nextInt(8) == 0 ? null : LONGS[rnd.nextInt(LONGS.length)], t);
      case TEXT -> column ? new Expr.Column(3, t) : new Expr.Constant(TEXTS[rnd.nextInt(TEXTS.length)], t);
      case BOOLEAN -> column ? new Expr.Column(4, t) : new Expr.Constant(rnd.nextInt(5) == 0 ? null : rnd.nextBoolean(), t);
      default -> column ? new Expr.Column(5, t) : new Expr.Constant(new double[] {0.5, -1.0, 3.0, 0.0}[rnd.nextInt(4)], t);
    };
  }

  // ---- the reference: a direct reading of the rules, recursive, over Java values ------------------

  private static Object reference(Expr e, Object[] row) {
    if (e instanceof Expr.Column c) {
      return row[c.index()];
    }
    if (e instanceof Expr.Constant k) {
      return k.value();
    }
    if (e instanceof Expr.Not n) {
      Object v = reference(n.arg(), row);
      return v == null ? null : !(Boolean) v;
    }
    if (e instanceof Expr.And a) {
      boolean sawNull = false;
      for (Expr x : a.args()) {
        Object v = reference(x, row);
        if (v == null) {
          sawNull = true;
        } else if (!(Boolean) v) {
          return false;
        }
      }
      return sawNull ? null : true;
    }
    if (e instanceof Expr.Or o) {
      boolean sawNull = false;
      for (Expr x : o.args()) {
        Object v = reference(x, row);
        if (v == null) {
          sawNull = true;
        } else if ((Boolean) v) {
          return true;
        }
      }
      return sawNull ? null : false;
    }
    if (e instanceof Expr.IsNull n) {
      return (reference(n.arg(), row) == null) != n.negated();
    }
    if (e instanceof Expr.Case c) {
      for (Expr.When w : c.whens()) {
        if (Objects.equals(reference(w.condition(), row), Boolean.TRUE)) {
          return reference(w.result(), row);
        }
      }
      return c.otherwise() == null ? null : reference(c.otherwise(), row);
    }
    if (e instanceof Expr.Coalesce c) {
      for (Expr x : c.args()) {
        Object v = reference(x, row);
        if (v != null) {
          return v;
        }
      }
      return null;
    }
    Expr.Binary b = (Expr.Binary) e;
    Object x = reference(b.left(), row);
    Object y = reference(b.right(), row);
    if (x == null || y == null) {
      return null;
    }
    if (b.op().isComparison()) {
      int c;
      if (x instanceof String s) {
        c = Integer.signum(java.util.Arrays.compareUnsigned(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            ((String) y).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      } else if (x instanceof Double dx) {
        double dy = (Double) y;
        c = dx == dy || Double.isNaN(dx) && Double.isNaN(dy) ? 0 : Double.isNaN(dx) ? 1 : Double.isNaN(dy) ? -1 : dx < dy ? -1 : 1;
      } else if (x instanceof Boolean bx) {
        c = Boolean.compare(bx, (Boolean) y);
      } else {
        c = Long.compare(((Number) x).longValue(), ((Number) y).longValue());
      }
      return switch (b.op()) {
        case EQ -> c == 0;
        case NE -> c != 0;
        case LT -> c < 0;
        case LE -> c <= 0;
        case GT -> c > 0;
        default -> c >= 0;
      };
    }
    if (x instanceof Double dx) {
      double dy = (Double) y;
      if ((b.op() == BinaryOp.DIV || b.op() == BinaryOp.MOD) && dy == 0) {
        throw new DatabaseException("22012", "division by zero");
      }
      double r = switch (b.op()) {
        case ADD -> dx + dy;
        case SUB -> dx - dy;
        case MUL -> dx * dy;
        case DIV -> dx / dy;
        default -> dx % dy;
      };
      if (Double.isInfinite(r)) {
        throw new DatabaseException("22003", "overflow");
      }
      return r;
    }
    java.math.BigInteger bx = java.math.BigInteger.valueOf(((Number) x).longValue());
    java.math.BigInteger by = java.math.BigInteger.valueOf(((Number) y).longValue());
    if ((b.op() == BinaryOp.DIV || b.op() == BinaryOp.MOD) && by.signum() == 0) {
      throw new DatabaseException("22012", "division by zero");
    }
    java.math.BigInteger r = switch (b.op()) {
      case ADD -> bx.add(by);
      case SUB -> bx.subtract(by);
      case MUL -> bx.multiply(by);
      case DIV -> bx.divide(by);
      default -> bx.remainder(by);
    };
    boolean isInt = x instanceof Integer;
    long min = isInt ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long max = isInt ? Integer.MAX_VALUE : Long.MAX_VALUE;
    if (r.compareTo(java.math.BigInteger.valueOf(min)) < 0 || r.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
      throw new DatabaseException("22003", "out of range");
    }
    return isInt ? (Object) r.intValue() : (Object) r.longValue();
  }
}
