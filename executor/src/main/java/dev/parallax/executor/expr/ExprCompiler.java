package dev.parallax.executor.expr;

import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an {@link Expr} tree into an {@link ExprProgram}, once per execution. Registers are
 * allocated per sub-expression (a column read twice shares one); each operator's step writes
 * into the register its parent reads, so no value is copied between steps.
 */
public final class ExprCompiler {
  private int[] code = new int[32];
  private int size;
  private int registers;
  private final Map<Integer, Integer> columnRegisters = new LinkedHashMap<>();
  private final List<Object[]> consts = new ArrayList<>();
  private final List<int[]> params = new ArrayList<>();
  private final List<ColumnType> paramTypes = new ArrayList<>();
  private final java.util.Set<Integer> execParams = new java.util.TreeSet<>();
  private final List<ExprProgram.Call> calls = new ArrayList<>();
  private final List<ExprProgram.SubPlanCall> subPlans = new ArrayList<>();

  private ExprCompiler() {}

  public static ExprProgram compile(Expr e) {
    if (e instanceof Expr.Param p) {
      return leafProgram(List.of(), List.of(new int[] {0, p.index()}), List.of(p.type()), e);
    }
    if (e instanceof Expr.Constant k) {
      List<Object[]> consts = new ArrayList<>(1);
      consts.add(new Object[] {0, k.value(), k.type()});
      return leafProgram(consts, List.of(), List.of(), e);
    }
    return new ExprCompiler().run(e);
  }

  /**
   * A parameter or a constant: one register loaded when the state is made, and just DONE to run
   * (index-scan bounds are these, compiled at every execution of a plan).
   */
  private static ExprProgram leafProgram(List<Object[]> consts, List<int[]> params, List<ColumnType> paramTypes, Expr e) {
    return new ExprProgram(new int[] {ExprProgram.DONE, 0, 0, 0}, 1, 0, e.type(), consts, params, paramTypes,
        ExprProgram.FAST_NONE, -1, 0, 0, -1, e.toString(), new int[0], new ExprProgram.Call[0]);
  }

  private ExprProgram run(Expr e) {
    List<Expr.Column> columns = new ArrayList<>();
    collectColumns(e, columns);
    int maxColumn = -1;
    for (Expr.Column c : columns) {
      if (!columnRegisters.containsKey(c.index())) {
        int r = registers++;
        columnRegisters.put(c.index(), r);
        step(fetchOp(c.type()), c.index(), 0, r);
        maxColumn = Math.max(maxColumn, c.index());
      }
    }
    int result = emit(e);
    step(ExprProgram.DONE, 0, 0, 0);
    int fast = ExprProgram.FAST_NONE;
    int fastColumn = -1;
    int fastCmp = 0;
    long fastConstant = 0;
    if (e instanceof Expr.Column c) {
      fast = ExprProgram.FAST_COLUMN;
      fastColumn = c.index();
    } else if (e instanceof Expr.Binary b && b.op().isComparison() && b.left() instanceof Expr.Column c
        && b.right() instanceof Expr.Constant k && k.value() != null && isIntegral(c.type())) {
      fast = ExprProgram.FAST_COLUMN_CMP_CONST;
      fastColumn = c.index();
      fastCmp = b.op().ordinal();
      fastConstant = ((Number) k.value()).longValue();
    }
    return new ExprProgram(Arrays.copyOf(code, size), Math.max(registers, 1), result, e.type(), consts, params,
        paramTypes, fast, fastColumn, fastCmp, fastConstant, maxColumn, e.toString(),
        execParams.stream().mapToInt(Integer::intValue).toArray(), calls.toArray(new ExprProgram.Call[0]),
        subPlans.toArray(new ExprProgram.SubPlanCall[0]));
  }

  private static boolean isIntegral(ColumnType t) {
    return t == ColumnType.INTEGER || t == ColumnType.BIGINT;
  }

  private static void collectColumns(Expr e, List<Expr.Column> out) {
    if (e instanceof Expr.Column c) {
      out.add(c);
    } else if (e instanceof Expr.Binary b) {
      collectColumns(b.left(), out);
      collectColumns(b.right(), out);
    } else if (e instanceof Expr.Not n) {
      collectColumns(n.arg(), out);
    } else if (e instanceof Expr.And a) {
      a.args().forEach(x -> collectColumns(x, out));
    } else if (e instanceof Expr.Or o) {
      o.args().forEach(x -> collectColumns(x, out));
    } else if (e instanceof Expr.IsNull n) {
      collectColumns(n.arg(), out);
    } else if (e instanceof Expr.Case c) {
      for (Expr.When w : c.whens()) {
        collectColumns(w.condition(), out);
        collectColumns(w.result(), out);
      }
      if (c.otherwise() != null) {
        collectColumns(c.otherwise(), out);
      }
    } else if (e instanceof Expr.Coalesce c) {
      c.args().forEach(x -> collectColumns(x, out));
    } else if (e instanceof Expr.Func || e instanceof Expr.Like || e instanceof Expr.InList || e instanceof Expr.NullIf
        || e instanceof Expr.Cast) {
      callArgs(e).forEach(x -> collectColumns(x, out));
    } else if (e instanceof Expr.SubPlan sp) {
      // Only the outer side: the sub-query's own columns belong to its plan.
      sp.args().forEach(x -> collectColumns(x, out));
      if (sp.testExpr() != null) {
        collectColumns(sp.testExpr(), out);
      }
    }
  }

  /** Emits the steps computing {@code e}; returns the register holding its value. */
  private int emit(Expr e) {
    if (e instanceof Expr.Column c) {
      return columnRegisters.get(c.index());
    }
    if (e instanceof Expr.Constant k) {
      int r = registers++;
      consts.add(new Object[] {r, k.value(), k.type()});
      return r;
    }
    if (e instanceof Expr.Param p) {
      int r = registers++;
      params.add(new int[] {r, p.index()});
      paramTypes.add(p.type());
      return r;
    }
    if (e instanceof Expr.Func || e instanceof Expr.Like || e instanceof Expr.InList || e instanceof Expr.NullIf
        || e instanceof Expr.Cast) {
      List<Expr> args = callArgs(e);
      int[] regs = new int[args.size()];
      ColumnType[] types = new ColumnType[args.size()];
      for (int i = 0; i < regs.length; i++) {
        regs[i] = emit(args.get(i));
        types[i] = args.get(i).type();
      }
      int dst = registers++;
      calls.add(new ExprProgram.Call(Calls.of(e), regs, types, e.type()));
      step(ExprProgram.CALL, calls.size() - 1, 0, dst);
      return dst;
    }
    if (e instanceof Expr.SubPlan sp) {
      int[] regs = new int[sp.args().size()];
      ColumnType[] types = new ColumnType[regs.length];
      for (int i = 0; i < regs.length; i++) {
        regs[i] = emit(sp.args().get(i));
        types[i] = sp.args().get(i).type();
      }
      int test = sp.testExpr() == null ? -1 : emit(sp.testExpr());
      int dst = registers++;
      subPlans.add(new ExprProgram.SubPlanCall(sp, regs, types));
      step(ExprProgram.SUBPLAN, subPlans.size() - 1, test, dst);
      return dst;
    }
    if (e instanceof Expr.RowIdentity) {
      int r = registers++;
      step(ExprProgram.FETCH_ROWID, 0, 0, r);
      return r;
    }
    if (e instanceof Expr.OuterParam x) {
      int r = registers++;
      step(ExprProgram.FETCH_EXEC, x.slot(), ExprCompiler.kind(x.type()), r);
      execParams.add(x.slot());
      return r;
    }
    if (e instanceof Expr.Binary b) {
      int ra = emit(b.left());
      int rb = emit(b.right());
      int dst = registers++;
      step(binaryOp(b.op(), b.left().type()), ra, rb, dst);
      return dst;
    }
    if (e instanceof Expr.Not n) {
      int ra = emit(n.arg());
      int dst = registers++;
      step(ExprProgram.NOT, ra, 0, dst);
      return dst;
    }
    if (e instanceof Expr.And a) {
      return emitJunction(a.args(), ExprProgram.AND_INIT, ExprProgram.AND_STEP);
    }
    if (e instanceof Expr.Or o) {
      return emitJunction(o.args(), ExprProgram.OR_INIT, ExprProgram.OR_STEP);
    }
    if (e instanceof Expr.IsNull n) {
      int ra = emit(n.arg());
      int dst = registers++;
      step(ExprProgram.IS_NULL, ra, n.negated() ? 1 : 0, dst);
      return dst;
    }
    if (e instanceof Expr.Case c) {
      int dst = registers++;
      List<Integer> toEnd = new ArrayList<>();
      for (Expr.When w : c.whens()) {
        int rc = emit(w.condition());
        int skip = step(ExprProgram.JUMP_UNLESS_TRUE, rc, -1, 0);
        step(ExprProgram.MOVE, emit(w.result()), 0, dst);
        toEnd.add(step(ExprProgram.JUMP, -1, 0, 0));
        code[skip + 2] = size;
      }
      if (c.otherwise() != null) {
        step(ExprProgram.MOVE, emit(c.otherwise()), 0, dst);
      } else {
        step(ExprProgram.SET_NULL, 0, 0, dst);
      }
      toEnd.forEach(j -> code[j + 1] = size);
      return dst;
    }
    Expr.Coalesce c = (Expr.Coalesce) e;
    int dst = registers++;
    List<Integer> toEnd = new ArrayList<>();
    for (Expr arg : c.args()) {
      step(ExprProgram.MOVE, emit(arg), 0, dst);
      toEnd.add(step(ExprProgram.JUMP_IF_NOT_NULL, dst, -1, 0));
    }
    toEnd.forEach(j -> code[j + 2] = size);
    return dst;
  }

  private static List<Expr> callArgs(Expr e) {
    if (e instanceof Expr.Func f) {
      return f.args();
    }
    if (e instanceof Expr.Like l) {
      return List.of(l.arg(), l.pattern());
    }
    if (e instanceof Expr.InList in) {
      List<Expr> all = new ArrayList<>();
      all.add(in.arg());
      all.addAll(in.values());
      return all;
    }
    if (e instanceof Expr.NullIf n) {
      return List.of(n.a(), n.b());
    }
    return List.of(((Expr.Cast) e).arg());
  }

  /** AND / OR: an init step, then per argument its steps and a test that may jump to the end. */
  private int emitJunction(List<Expr> args, int init, int test) {
    int dst = registers++;
    step(init, 0, 0, dst);
    List<Integer> toEnd = new ArrayList<>();
    for (Expr arg : args) {
      toEnd.add(step(test, emit(arg), -1, dst));
    }
    toEnd.forEach(j -> code[j + 2] = size);
    return dst;
  }

  static int fetchOp(ColumnType t) {
    return switch (kind(t)) {
      case 'L' -> ExprProgram.FETCH_L;
      case 'D' -> ExprProgram.FETCH_D;
      default -> ExprProgram.FETCH_O;
    };
  }

  /** Which register array holds values of {@code t}: L (long), D (double) or O (object). */
  static char kind(ColumnType t) {
    return switch (t) {
      case INTEGER, BIGINT, BOOLEAN -> 'L';
      case DOUBLE -> 'D';
      default -> 'O';
    };
  }

  private static int binaryOp(BinaryOp op, ColumnType operandType) {
    if (op.isComparison()) {
      int k = op.ordinal() - BinaryOp.EQ.ordinal();
      return switch (kind(operandType)) {
        case 'L' -> ExprProgram.CMP_L + k;
        case 'D' -> ExprProgram.CMP_D + k;
        default -> ExprProgram.CMP_O + k;
      };
    }
    int k = op.ordinal();
    return switch (operandType) {
      case INTEGER -> ExprProgram.ARITH_I + k;
      case BIGINT -> ExprProgram.ARITH_L + k;
      case DOUBLE -> ExprProgram.ARITH_D + k;
      default -> ExprProgram.ARITH_N + k;
    };
  }

  /** Appends a step; returns its position in {@code code}. */
  private int step(int op, int a, int b, int dst) {
    if (size + 4 > code.length) {
      code = Arrays.copyOf(code, code.length * 2);
    }
    int at = size;
    code[size++] = op;
    code[size++] = a;
    code[size++] = b;
    code[size++] = dst;
    return at;
  }
}
