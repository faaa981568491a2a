package dev.parallax.executor.expr;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * A compiled expression: a flat array of steps, four ints each ({@code op, a, b, dst}), over a
 * register file, run by {@link ExprState#eval} in one loop with no recursion. Constants and
 * parameters live in registers loaded once when a state is made, so the loop only fetches
 * columns, computes and jumps. Immutable and shareable; the registers belong to each
 * {@link ExprState}.
 *
 * <p>Layout: column fetches first (each column the expression uses, once), then the operators in
 * evaluation order, each writing straight into the register its consumer reads, jumps for
 * AND / OR / CASE / COALESCE, and DONE. Register {@link #result} holds the value at the end.
 */
public final class ExprProgram {
  // Opcodes. Arithmetic and comparisons are a base plus the operator's ordinal within its group.
  static final int DONE = 0;
  static final int FETCH_L = 1;
  static final int FETCH_D = 2;
  static final int FETCH_O = 3;
  static final int ARITH_I = 10; // + BinaryOp ordinal (ADD..MOD)
  static final int ARITH_L = 15;
  static final int ARITH_D = 20;
  static final int ARITH_N = 25;
  static final int CMP_L = 30; // + (ordinal - EQ)
  static final int CMP_D = 36;
  static final int CMP_O = 42;
  static final int NOT = 50;
  static final int AND_INIT = 51;
  static final int AND_STEP = 52;
  static final int OR_INIT = 53;
  static final int OR_STEP = 54;
  static final int IS_NULL = 55;
  static final int JUMP_UNLESS_TRUE = 56;
  static final int JUMP = 57;
  static final int MOVE = 58;
  static final int JUMP_IF_NOT_NULL = 59;
  static final int SET_NULL = 60;
  /** Reads internal parameter {@code a} into {@code dst}; {@code b} is the register kind. */
  static final int FETCH_EXEC = 61;
  /** The input row's heap version identity (packed TID) into {@code dst}, null if it has none. */
  static final int FETCH_ROWID = 62;
  /** Calls {@code calls[a]} over its argument registers into {@code dst} (functions, LIKE, IN, casts). */
  static final int CALL = 63;
  /** Run sub-query {@code a} of {@link #subPlans} (test operand in register b, or -1) into dst. */
  static final int SUBPLAN = 64;

  /** A call step's function, argument registers and types, and result type. */
  record Call(Calls.Fn fn, int[] args, ColumnType[] argTypes, ColumnType resultType) {}

  /** A sub-query step: the expression, and the registers holding its arguments. */
  record SubPlanCall(dev.parallax.executor.plan.Expr.SubPlan expr, int[] args, ColumnType[] argTypes) {}

  /** Fast-path kinds: decided at compile time, used instead of the loop where they apply. */
  static final int FAST_NONE = 0;
  /** The expression is one column: return it. */
  static final int FAST_COLUMN = 1;
  /** {@code column <cmp> constant} on integer-like columns. */
  static final int FAST_COLUMN_CMP_CONST = 2;

  final int[] code;
  final int registers;
  final int result;
  final ColumnType type;
  /** Registers loaded at state creation: (register, constant value) and (register, parameter index). */
  final int[] constRegisters;
  final Object[] constValues;
  final ColumnType[] constTypes;
  final int[] paramRegisters;
  final int[] paramIndexes;
  final ColumnType[] paramTypes;
  final int fast;
  final int fastColumn;
  final int fastCmp;
  final long fastConstant;
  /** The highest input column the program reads, or -1. */
  final int maxColumn;
  private final String text;
  /** The internal parameters the program reads. */
  final int[] execParams;
  final Call[] calls;
  /** The sub-queries the program runs, in step order; their evaluators are bound per ExprState. */
  final SubPlanCall[] subPlans;

  ExprProgram(int[] code, int registers, int result, ColumnType type, List<Object[]> consts, List<int[]> params,
      List<ColumnType> paramTypes, int fast, int fastColumn, int fastCmp, long fastConstant, int maxColumn, String text,
      int[] execParams, Call[] calls) {
    this(code, registers, result, type, consts, params, paramTypes, fast, fastColumn, fastCmp, fastConstant, maxColumn,
        text, execParams, calls, new SubPlanCall[0]);
  }

  ExprProgram(int[] code, int registers, int result, ColumnType type, List<Object[]> consts, List<int[]> params,
      List<ColumnType> paramTypes, int fast, int fastColumn, int fastCmp, long fastConstant, int maxColumn, String text,
      int[] execParams, Call[] calls, SubPlanCall[] subPlans) {
    this.execParams = execParams;
    this.calls = calls;
    this.subPlans = subPlans;
    this.code = code;
    this.registers = registers;
    this.result = result;
    this.type = type;
    this.constRegisters = new int[consts.size()];
    this.constValues = new Object[consts.size()];
    this.constTypes = new ColumnType[consts.size()];
    for (int i = 0; i < consts.size(); i++) {
      constRegisters[i] = (Integer) consts.get(i)[0];
      constValues[i] = consts.get(i)[1];
      constTypes[i] = (ColumnType) consts.get(i)[2];
    }
    this.paramRegisters = new int[params.size()];
    this.paramIndexes = new int[params.size()];
    for (int i = 0; i < params.size(); i++) {
      paramRegisters[i] = params.get(i)[0];
      paramIndexes[i] = params.get(i)[1];
    }
    this.paramTypes = paramTypes.toArray(new ColumnType[0]);
    this.fast = fast;
    this.fastColumn = fastColumn;
    this.fastCmp = fastCmp;
    this.fastConstant = fastConstant;
    this.maxColumn = maxColumn;
    this.text = text;
  }

  public ColumnType type() {
    return type;
  }

  /** Number of steps, DONE included. */
  public int steps() {
    return code.length / 4;
  }

  public int maxColumn() {
    return maxColumn;
  }

  /** Whether the program runs sub-queries (then its ExprState needs evaluators bound). */
  public boolean hasSubPlans() {
    return subPlans.length > 0;
  }

  /** The sub-queries the program runs (each needs an evaluator bound to the ExprState). */
  public List<dev.parallax.executor.plan.Expr.SubPlan> subPlans() {
    return java.util.Arrays.stream(subPlans).map(SubPlanCall::expr).toList();
  }

  /** How many internal parameter slots the program reads (see {@link #execParam}); no copy made. */
  public int execParamCount() {
    return execParams.length;
  }

  /** The {@code i}th internal parameter slot the program reads. */
  public int execParam(int i) {
    return execParams[i];
  }

  /** The internal parameter slots the program reads (a rescan must notice when they change). */
  public int[] execParams() {
    return execParams.clone();
  }

  @Override
  public String toString() {
    return text;
  }
}
