package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * An expression of a plan: immutable, typed, and compiled once per execution into a flat
 * program ({@code expr.ExprCompiler}). Column indexes refer to the input row of the node that
 * evaluates the expression. Every node checks its operand types when built, so a type mismatch is
 * a 42804 at plan construction, never at run time.
 */
public sealed interface Expr {
  /** The SQL type of the value (BOOLEAN for predicates). */
  ColumnType type();

  /** Column {@code index} of the input row. */
  record Column(int index, ColumnType type) implements Expr {
    @Override
    public String toString() {
      return "$" + index;
    }
  }

  /** A constant; {@code value} null is SQL NULL of {@code type}. */
  record Constant(Object value, ColumnType type) implements Expr {
    public Constant {
      if (value != null && !type.javaType().isInstance(value)) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "constant " + value + " is not of type " + type.sqlName());
      }
    }

    @Override
    public String toString() {
      return value == null ? "NULL" : value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }
  }

  /** External parameter {@code index} (0-based) of the statement, of the given type. */
  record Param(int index, ColumnType type) implements Expr {
    @Override
    public String toString() {
      return "$p" + (index + 1);
    }
  }

  /**
   * Internal parameter {@code slot}: a value set by a node above (a nested loop's outer row
   * column), read each time the expression runs.
   */
  record OuterParam(int slot, ColumnType type) implements Expr {
    @Override
    public String toString() {
      return "$x" + slot;
    }
  }

  /**
   * The identity of the heap version the input row came from (its TID, packed as a bigint), or
   * NULL when the row is not a stored version: the hidden column UPDATE and DELETE locate their
   * target by.
   */
  record RowIdentity() implements Expr {
    @Override
    public ColumnType type() {
      return ColumnType.BIGINT;
    }

    @Override
    public String toString() {
      return "ctid";
    }
  }

  /** {@code left op right}: arithmetic of two operands of one numeric type, or a comparison. */
  record Binary(BinaryOp op, Expr left, Expr right) implements Expr {
    public Binary {
      if (left.type() != right.type()) {
        throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + left.type().sqlName()
            + " " + op.symbol() + " " + right.type().sqlName());
      }
      if (!op.isComparison() && !isNumeric(left.type())) {
        throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + left.type().sqlName()
            + " " + op.symbol() + " " + right.type().sqlName());
      }
    }

    @Override
    public ColumnType type() {
      return op.isComparison() ? ColumnType.BOOLEAN : left.type();
    }

    @Override
    public String toString() {
      return "(" + left + " " + op.symbol() + " " + right + ")";
    }
  }

  record Not(Expr arg) implements Expr {
    public Not {
      requireBoolean(arg, "NOT");
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public String toString() {
      return "(NOT " + arg + ")";
    }
  }

  /** AND of two or more predicates, three-valued, evaluated left to right with short-circuit. */
  record And(List<Expr> args) implements Expr {
    public And {
      args = List.copyOf(args);
      args.forEach(a -> requireBoolean(a, "AND"));
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public String toString() {
      return "(" + String.join(" AND ", args.stream().map(String::valueOf).toList()) + ")";
    }
  }

  record Or(List<Expr> args) implements Expr {
    public Or {
      args = List.copyOf(args);
      args.forEach(a -> requireBoolean(a, "OR"));
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public String toString() {
      return "(" + String.join(" OR ", args.stream().map(String::valueOf).toList()) + ")";
    }
  }

  /** {@code arg IS [NOT] NULL}. */
  record IsNull(Expr arg, boolean negated) implements Expr {
    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public String toString() {
      return "(" + arg + (negated ? " IS NOT NULL)" : " IS NULL)");
    }
  }

  /** One {@code WHEN condition THEN result} arm of a {@link Case}. */
  record When(Expr condition, Expr result) {
    public When {
      requireBoolean(condition, "CASE WHEN");
    }
  }

  /** {@code CASE WHEN ... THEN ... [ELSE otherwise] END}; a missing ELSE is NULL. */
  record Case(List<When> whens, Expr otherwise) implements Expr {
    public Case {
      whens = List.copyOf(whens);
      if (whens.isEmpty()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "CASE needs at least one WHEN");
      }
      ColumnType t = whens.get(0).result().type();
      for (When w : whens) {
        if (w.result().type() != t) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "CASE types " + t.sqlName() + " and "
              + w.result().type().sqlName() + " cannot be matched");
        }
      }
      if (otherwise != null && otherwise.type() != t) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "CASE types " + t.sqlName() + " and "
            + otherwise.type().sqlName() + " cannot be matched");
      }
    }

    @Override
    public ColumnType type() {
      return whens.get(0).result().type();
    }
  }

  /** The first argument that is not null, or null. */
  record Coalesce(List<Expr> args) implements Expr {
    public Coalesce {
      args = List.copyOf(args);
      if (args.isEmpty()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "COALESCE needs at least one argument");
      }
      for (Expr a : args) {
        if (a.type() != args.get(0).type()) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "COALESCE types " + args.get(0).type().sqlName()
              + " and " + a.type().sqlName() + " cannot be matched");
        }
      }
    }

    @Override
    public ColumnType type() {
      return args.get(0).type();
    }
  }

  /** A scalar function call. */
  record Func(ScalarFunction fn, List<Expr> args) implements Expr {
    public Func {
      args = List.copyOf(args);
      fn.resultType(args);
    }

    @Override
    public ColumnType type() {
      return fn.resultType(args);
    }

    @Override
    public String toString() {
      return fn.sqlName() + "(" + String.join(", ", args.stream().map(String::valueOf).toList()) + ")";
    }
  }

  /** {@code arg [NOT] LIKE pattern} ({@code %} any run, {@code _} one character, {@code \} escapes). */
  record Like(Expr arg, Expr pattern, boolean negated) implements Expr {
    public Like {
      if (arg.type() != ColumnType.TEXT || pattern.type() != ColumnType.TEXT) {
        throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + arg.type().sqlName()
            + " ~~ " + pattern.type().sqlName());
      }
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public String toString() {
      return "(" + arg + (negated ? " NOT LIKE " : " LIKE ") + pattern + ")";
    }
  }

  /**
   * {@code arg [NOT] IN (values)}: true if arg equals one of them; otherwise null if arg or any
   * value is null (it might have matched), else false. NOT IN negates that, nulls staying null.
   */
  record InList(Expr arg, List<Expr> values, boolean negated) implements Expr {
    public InList {
      values = List.copyOf(values);
      for (Expr v : values) {
        if (v.type() != arg.type()) {
          throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + arg.type().sqlName()
              + " = " + v.type().sqlName());
        }
      }
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public String toString() {
      return "(" + arg + (negated ? " NOT IN (" : " IN (") + String.join(", ", values.stream().map(String::valueOf).toList()) + "))";
    }
  }

  /** {@code NULLIF(a, b)}: null when a = b, else a. */
  record NullIf(Expr a, Expr b) implements Expr {
    public NullIf {
      if (a.type() != b.type()) {
        throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + a.type().sqlName()
            + " = " + b.type().sqlName());
      }
    }

    @Override
    public ColumnType type() {
      return a.type();
    }
  }

  /** {@code CAST(arg AS type)}; text input that does not parse is 22P02, out-of-range numbers 22003. */
  record Cast(Expr arg, ColumnType target) implements Expr {
    @Override
    public ColumnType type() {
      return target;
    }

    @Override
    public String toString() {
      return "(" + arg + ")::" + target.sqlName();
    }
  }

  /**
   * A sub-query used as an expression, run by the node that evaluates it (PostgreSQL's SubPlan):
   * {@code EXISTS (plan)}, a scalar {@code (plan)} (its one column; NULL without rows; 21000 with
   * more than one), or {@code testExpr op ANY / ALL (plan)} with SQL's three-valued answer. A
   * correlated sub-query reads the outer row through internal parameters: before each run, each
   * of {@code args} (over the evaluating node's input row) is stored in the slot of
   * {@code paramSlots} at the same position, where {@code plan} reads it as an {@link OuterParam}.
   * Without args (and with nothing else changing below it) the sub-query runs once per execution
   * and its answer is reused, as PostgreSQL's initplans are.
   */
  record SubPlan(SubPlanKind kind, Plan plan, List<Expr> args, List<Integer> paramSlots, Expr testExpr, BinaryOp op)
      implements Expr {
    public enum SubPlanKind { EXISTS, SCALAR, ANY, ALL }

    public SubPlan {
      args = List.copyOf(args);
      paramSlots = List.copyOf(paramSlots);
      if (args.size() != paramSlots.size()) {
        throw new IllegalArgumentException("one parameter slot per sub-query argument");
      }
      List<ColumnType> out = plan.outputTypes();
      if (kind != SubPlanKind.EXISTS && out.size() != 1) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "subquery must return only one column");
      }
      if (kind == SubPlanKind.ANY || kind == SubPlanKind.ALL) {
        if (testExpr == null || op == null || !op.isComparison()) {
          throw new IllegalArgumentException(kind + " needs a left operand and a comparison");
        }
        if (testExpr.type() != out.get(0) && !(isNumeric(testExpr.type()) && isNumeric(out.get(0)))) {
          throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: "
              + testExpr.type().sqlName() + " " + op.symbol() + " " + out.get(0).sqlName());
        }
        if (testExpr.type() != out.get(0)) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "the sub-query's column is " + out.get(0).sqlName()
              + " but is compared with " + testExpr.type().sqlName() + ": cast one side");
        }
      }
    }

    @Override
    public ColumnType type() {
      return kind == SubPlanKind.SCALAR ? plan.outputTypes().get(0) : ColumnType.BOOLEAN;
    }

    @Override
    public String toString() {
      String what = "SubPlan " + plan.id();
      return switch (kind) {
        case EXISTS -> "(EXISTS " + what + ")";
        case SCALAR -> "(" + what + ")";
        case ANY -> "(" + testExpr + " " + op.symbol() + " ANY (" + what + "))";
        case ALL -> "(" + testExpr + " " + op.symbol() + " ALL (" + what + "))";
      };
    }
  }

  static boolean isNumeric(ColumnType t) {
    return t == ColumnType.INTEGER || t == ColumnType.BIGINT || t == ColumnType.DOUBLE || t == ColumnType.NUMERIC;
  }

  private static void requireBoolean(Expr e, String where) {
    if (e.type() != ColumnType.BOOLEAN) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "argument of " + where + " must be type boolean, not type "
          + e.type().sqlName());
    }
  }
}
