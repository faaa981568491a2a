package dev.parallax.executor.expr;

import dev.parallax.executor.exec.TupleSlot;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.Arrays;

/**
 * The run-time side of an {@link ExprProgram}: its registers, with constants and the
 * statement's parameters loaded once, and the evaluation loop. One per expression per plan
 * state node; not thread-safe.
 *
 * <p>SQL semantics: operators are strict (a null operand makes a null result, nothing computed);
 * AND / OR are three-valued with short-circuit; integer arithmetic overflows with 22003; division
 * and modulo by zero raise 22012; numeric arithmetic is exact (division keeps at least 16
 * significant fraction digits, like PostgreSQL); comparisons of -0.0 and 0.0 are equal and NaN is
 * above every other double; text compares by code point, bytea by unsigned bytes.
 */
public final class ExprState {
  private static final BinaryOp[] OPS = BinaryOp.values();

  private final ExprProgram p;
  private final long[] l;
  private final double[] d;
  private final Object[] o;
  private final boolean[] n;
  private final dev.parallax.executor.exec.ExecParams exec;
  /** One per sub-query step, bound by the node that owns this state (null until then). */
  private SubPlanEvaluator[] subPlanEvaluators;

  public ExprState(ExprProgram program, Object[] params) {
    this(program, params, null);
  }

  public ExprState(ExprProgram program, Object[] params, dev.parallax.executor.exec.ExecParams exec) {
    this.p = program;
    this.exec = exec;
    if (program.execParams.length > 0 && exec == null) {
      throw new IllegalStateException("expression " + program + " reads internal parameters but none were given");
    }
    int r = program.registers;
    l = new long[r];
    d = new double[r];
    o = new Object[r];
    n = new boolean[r];
    for (int i = 0; i < program.constRegisters.length; i++) {
      load(program.constRegisters[i], program.constValues[i], program.constTypes[i]);
    }
    for (int i = 0; i < program.paramRegisters.length; i++) {
      int index = program.paramIndexes[i];
      ColumnType t = program.paramTypes[i];
      if (params == null || index >= params.length) {
        throw new DatabaseException(SqlState.PROTOCOL_VIOLATION, "the statement needs parameter $" + (index + 1)
            + " but " + (params == null ? 0 : params.length) + " were given");
      }
      Object v = params[index];
      if (v != null && !t.javaType().isInstance(v)) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "parameter $" + (index + 1) + " is of type "
            + t.sqlName() + " but the value given is " + v.getClass().getSimpleName());
      }
      load(program.paramRegisters[i], v, t);
    }
  }

  public ExprProgram program() {
    return p;
  }

  /** Binds an evaluator to each sub-query step, in the order of {@link ExprProgram#subPlans()}. */
  public void bindSubPlans(java.util.function.Function<dev.parallax.executor.plan.Expr.SubPlan, SubPlanEvaluator> make) {
    subPlanEvaluators = new SubPlanEvaluator[p.subPlans.length];
    for (int i = 0; i < subPlanEvaluators.length; i++) {
      subPlanEvaluators[i] = make.apply(p.subPlans[i].expr());
    }
  }

  private void load(int r, Object v, ColumnType t) {
    n[r] = v == null;
    if (v == null) {
      return;
    }
    switch (ExprCompiler.kind(t)) {
      case 'L' -> l[r] = v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
      case 'D' -> d[r] = (Double) v;
      default -> o[r] = v;
    }
  }

  /** Evaluates a predicate: true only when the result is true (false and null both reject). */
  public boolean test(TupleSlot slot) {
    if (p.fast == ExprProgram.FAST_COLUMN_CMP_CONST) {
      int c = p.fastColumn;
      return !slot.isNull(c) && OPS[p.fastCmp].holds(Long.compare(slot.getLong(c), p.fastConstant));
    }
    eval(slot);
    return !n[p.result] && l[p.result] != 0;
  }

  private long lastLong;

  /**
   * Evaluates an INTEGER / BIGINT / BOOLEAN expression without boxing: false when the result is
   * null, else the value is {@link #lastLong()}. (Aggregates use this on their hot path.)
   */
  public boolean evalLong(TupleSlot slot) {
    if (p.fast == ExprProgram.FAST_COLUMN) {
      if (slot.isNull(p.fastColumn)) {
        return false;
      }
      lastLong = slot.getLong(p.fastColumn);
      return true;
    }
    eval(slot);
    if (n[p.result]) {
      return false;
    }
    lastLong = l[p.result];
    return true;
  }

  public long lastLong() {
    return lastLong;
  }

  /** The value of the expression for {@code slot}, boxed as its type's Java class, or null. */
  public Object value(TupleSlot slot) {
    if (p.fast == ExprProgram.FAST_COLUMN) {
      return slot.get(p.fastColumn);
    }
    eval(slot);
    int r = p.result;
    if (n[r]) {
      return null;
    }
    return switch (p.type) {
      case INTEGER -> (int) l[r];
      case BIGINT -> l[r];
      case BOOLEAN -> l[r] != 0;
      case DOUBLE -> d[r];
      default -> o[r];
    };
  }

  /** Runs the program over {@code slot}; the result stays in the result register. */
  public void eval(TupleSlot slot) {
    final int[] code = p.code;
    final long[] l = this.l;
    final double[] d = this.d;
    final Object[] o = this.o;
    final boolean[] n = this.n;
    int pc = 0;
    while (true) {
      int op = code[pc];
      int a = code[pc + 1];
      int b = code[pc + 2];
      int dst = code[pc + 3];
      pc += 4;
      switch (op) {
        case ExprProgram.DONE:
          return;
        case ExprProgram.FETCH_L:
          if (!(n[dst] = slot.isNull(a))) {
            l[dst] = slot.getLong(a);
          }
          break;
        case ExprProgram.FETCH_D:
          if (!(n[dst] = slot.isNull(a))) {
            d[dst] = slot.getDouble(a);
          }
          break;
        case ExprProgram.FETCH_O:
          o[dst] = slot.get(a);
          n[dst] = o[dst] == null;
          break;
        case ExprProgram.NOT:
          if (!(n[dst] = n[a])) {
            l[dst] = l[a] == 0 ? 1 : 0;
          }
          break;
        case ExprProgram.AND_INIT:
          l[dst] = 1;
          n[dst] = false;
          break;
        case ExprProgram.AND_STEP:
          if (n[a]) {
            n[dst] = true;
          } else if (l[a] == 0) {
            l[dst] = 0;
            n[dst] = false;
            pc = b;
          }
          break;
        case ExprProgram.OR_INIT:
          l[dst] = 0;
          n[dst] = false;
          break;
        case ExprProgram.OR_STEP:
          if (n[a]) {
            n[dst] = true;
          } else if (l[a] != 0) {
            l[dst] = 1;
            n[dst] = false;
            pc = b;
          }
          break;
        case ExprProgram.IS_NULL:
          l[dst] = n[a] == (b == 0) ? 1 : 0;
          n[dst] = false;
          break;
        case ExprProgram.JUMP_UNLESS_TRUE:
          if (n[a] || l[a] == 0) {
            pc = b;
          }
          break;
        case ExprProgram.JUMP:
          pc = a;
          break;
        case ExprProgram.MOVE:
          l[dst] = l[a];
          d[dst] = d[a];
          o[dst] = o[a];
          n[dst] = n[a];
          break;
        case ExprProgram.JUMP_IF_NOT_NULL:
          if (!n[a]) {
            pc = b;
          }
          break;
        case ExprProgram.SET_NULL:
          n[dst] = true;
          break;
        case ExprProgram.CALL:
          call(p.calls[a], dst);
          break;
        case ExprProgram.SUBPLAN:
          subPlan(a, b, dst);
          break;
        case ExprProgram.FETCH_ROWID: {
          long id = slot.rowIdentity();
          n[dst] = id < 0;
          l[dst] = id;
          break;
        }
        case ExprProgram.FETCH_EXEC: {
          Object v = exec.get(a);
          n[dst] = v == null;
          if (v != null) {
            if (b == 'L') {
              l[dst] = v instanceof Boolean bool ? (bool ? 1 : 0) : ((Number) v).longValue();
            } else if (b == 'D') {
              d[dst] = (Double) v;
            } else {
              o[dst] = v;
            }
          }
          break;
        }
        default:
          if (n[a] || n[b]) {
            n[dst] = true;
            break;
          }
          n[dst] = false;
          if (op >= ExprProgram.CMP_L) {
            compare(op, a, b, dst);
          } else {
            arithmetic(op, a, b, dst);
          }
      }
    }
  }

  private void call(ExprProgram.Call c, int dst) {
    Object[] args = new Object[c.args().length];
    for (int i = 0; i < args.length; i++) {
      args[i] = box(c.args()[i], c.argTypes()[i]);
    }
    load(dst, c.fn().apply(args), c.resultType());
  }

  private void subPlan(int index, int testRegister, int dst) {
    ExprProgram.SubPlanCall c = p.subPlans[index];
    if (subPlanEvaluators == null) {
      throw new IllegalStateException("sub-query " + c.expr() + " has no evaluator: the owning node must bind it");
    }
    Object[] args = new Object[c.args().length];
    for (int i = 0; i < args.length; i++) {
      args[i] = box(c.args()[i], c.argTypes()[i]);
    }
    Object test = testRegister < 0 ? null : box(testRegister, c.expr().testExpr().type());
    load(dst, subPlanEvaluators[index].evaluate(args, test), c.expr().type());
  }

  private Object box(int r, ColumnType t) {
    if (n[r]) {
      return null;
    }
    return switch (t) {
      case INTEGER -> (int) l[r];
      case BIGINT -> l[r];
      case BOOLEAN -> l[r] != 0;
      case DOUBLE -> d[r];
      default -> o[r];
    };
  }

  private void compare(int op, int a, int b, int dst) {
    int c;
    int kind;
    if (op < ExprProgram.CMP_D) {
      c = Long.compare(l[a], l[b]);
      kind = op - ExprProgram.CMP_L;
    } else if (op < ExprProgram.CMP_O) {
      c = compareDoubles(d[a], d[b]);
      kind = op - ExprProgram.CMP_D;
    } else {
      c = compareObjects(o[a], o[b]);
      kind = op - ExprProgram.CMP_O;
    }
    l[dst] = OPS[BinaryOp.EQ.ordinal() + kind].holds(c) ? 1 : 0;
  }

  /** PostgreSQL's float order: -0 equals 0, NaN equals NaN and is above everything else. */
  static int compareDoubles(double x, double y) {
    if (x == y) {
      return 0;
    }
    return Double.compare(x, y);
  }

  static int compareObjects(Object x, Object y) {
    if (x instanceof String s) {
      return compareCodePoints(s, (String) y);
    }
    if (x instanceof BigDecimal bd) {
      return bd.compareTo((BigDecimal) y);
    }
    if (x instanceof LocalDateTime t) {
      return t.compareTo((LocalDateTime) y);
    }
    if (x instanceof byte[] bytes) {
      return Arrays.compareUnsigned(bytes, (byte[]) y);
    }
    throw new IllegalStateException("no order for " + x.getClass());
  }

  /** Code point order (UTF-8 byte order), which is how indexes order text too. */
  static int compareCodePoints(String x, String y) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int a = x.codePointAt(i);
      int b = y.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(x.length() - i, y.length() - j);
  }

  private void arithmetic(int op, int a, int b, int dst) {
    if (op < ExprProgram.ARITH_L) {
      l[dst] = intArith(op - ExprProgram.ARITH_I, (int) l[a], (int) l[b]);
    } else if (op < ExprProgram.ARITH_D) {
      l[dst] = longArith(op - ExprProgram.ARITH_L, l[a], l[b]);
    } else if (op < ExprProgram.ARITH_N) {
      d[dst] = doubleArith(op - ExprProgram.ARITH_D, d[a], d[b]);
    } else {
      o[dst] = numericArith(op - ExprProgram.ARITH_N, (BigDecimal) o[a], (BigDecimal) o[b]);
    }
  }

  /** Integer arithmetic: computed on longs (which int operands cannot overflow), then range-checked. */
  private static long intArith(int k, int x, int y) {
    long r = longArith(k, x, y);
    if (r != (int) r) {
      throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range");
    }
    return r;
  }

  private static long longArith(int k, long x, long y) {
    try {
      return switch (k) {
        case 0 -> Math.addExact(x, y);
        case 1 -> Math.subtractExact(x, y);
        case 2 -> Math.multiplyExact(x, y);
        case 3 -> {
          if (y == 0) {
            throw divisionByZero();
          }
          if (x == Long.MIN_VALUE && y == -1) {
            throw new ArithmeticException();
          }
          yield x / y;
        }
        default -> {
          if (y == 0) {
            throw divisionByZero();
          }
          yield y == -1 ? 0 : x % y;
        }
      };
    } catch (ArithmeticException e) {
      throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range");
    }
  }

  private static double doubleArith(int k, double x, double y) {
    double r = switch (k) {
      case 0 -> x + y;
      case 1 -> x - y;
      case 2 -> x * y;
      case 3 -> {
        if (y == 0) {
          throw divisionByZero();
        }
        yield x / y;
      }
      default -> {
        if (y == 0) {
          throw divisionByZero();
        }
        yield x % y;
      }
    };
    if (Double.isInfinite(r) && !Double.isInfinite(x) && !Double.isInfinite(y)) {
      throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
    }
    return r;
  }

  private static BigDecimal numericArith(int k, BigDecimal x, BigDecimal y) {
    return switch (k) {
      case 0 -> x.add(y);
      case 1 -> x.subtract(y);
      case 2 -> x.multiply(y);
      case 3 -> {
        if (y.signum() == 0) {
          throw divisionByZero();
        }
        yield x.divide(y, Math.max(16, Math.max(x.scale(), y.scale())), RoundingMode.HALF_UP);
      }
      default -> {
        if (y.signum() == 0) {
          throw divisionByZero();
        }
        yield x.remainder(y);
      }
    };
  }

  private static DatabaseException divisionByZero() {
    return new DatabaseException(SqlState.DIVISION_BY_ZERO, "division by zero");
  }
}
