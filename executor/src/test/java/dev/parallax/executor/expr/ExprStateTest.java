package dev.parallax.executor.expr;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.and;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.isNull;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.lt;
import static dev.parallax.executor.plan.PlanBuilder.not;
import static dev.parallax.executor.plan.PlanBuilder.nullOf;
import static dev.parallax.executor.plan.PlanBuilder.op;
import static dev.parallax.executor.plan.PlanBuilder.or;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.VirtualSlot;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each step kind and SQL's null semantics, overflow and division errors, through compiled programs. */
class ExprStateTest {
  private static Object eval(Expr e, Object... row) {
    return new ExprState(ExprCompiler.compile(e), new Object[0]).value(slot(row));
  }

  private static VirtualSlot slot(Object... row) {
    return VirtualSlot.of(row);
  }

  @Test
  void threeValuedLogicWithShortCircuit() {
    Expr t = lit(true);
    Expr f = lit(false);
    Expr u = nullOf(ColumnType.BOOLEAN);
    assertEquals(false, eval(and(t, f)));
    assertNull(eval(and(t, u)));
    assertEquals(false, eval(and(u, f)), "false wins over null in AND");
    assertEquals(true, eval(or(u, t)), "true wins over null in OR");
    assertNull(eval(or(f, u)));
    assertNull(eval(not(u)));
    assertEquals(true, eval(not(f)));
    // short-circuit: the division by zero after a false AND operand never runs
    Expr boom = eq(op(BinaryOp.DIV, lit(1), lit(0)), lit(1));
    assertEquals(false, eval(and(f, boom)));
    assertEquals(true, eval(or(t, boom)));
    assertEquals(SqlState.DIVISION_BY_ZERO, assertThrows(DatabaseException.class, () -> eval(and(t, boom))).sqlState());
  }

  @Test
  void operatorsAreStrictAndIsNullIsNot() {
    assertNull(eval(add(col(0, ColumnType.INTEGER), lit(1)), (Object) null));
    assertNull(eval(eq(col(0, ColumnType.TEXT), lit("a")), (Object) null));
    assertEquals(true, eval(isNull(col(0, ColumnType.TEXT)), (Object) null));
    assertEquals(true, eval(new Expr.IsNull(col(0, ColumnType.TEXT), true), "x"));
    assertEquals(5, eval(add(col(0, ColumnType.INTEGER), lit(2)), 3));
  }

  @Test
  void integerOverflowAndDivisionErrors() {
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, assertThrows(DatabaseException.class,
        () -> eval(add(lit(Integer.MAX_VALUE), lit(1)))).sqlState());
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, assertThrows(DatabaseException.class,
        () -> eval(op(BinaryOp.MUL, lit(Long.MAX_VALUE), lit(2L)))).sqlState());
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, assertThrows(DatabaseException.class,
        () -> eval(op(BinaryOp.DIV, lit(Integer.MIN_VALUE), lit(-1)))).sqlState());
    assertEquals(0, eval(op(BinaryOp.MOD, lit(Integer.MIN_VALUE), lit(-1))));
    assertEquals(SqlState.DIVISION_BY_ZERO, assertThrows(DatabaseException.class,
        () -> eval(op(BinaryOp.MOD, lit(5L), lit(0L)))).sqlState());
    assertEquals(SqlState.DIVISION_BY_ZERO, assertThrows(DatabaseException.class,
        () -> eval(op(BinaryOp.DIV, lit(1.5), lit(0.0)))).sqlState());
    assertEquals(-2, eval(op(BinaryOp.DIV, lit(-7), lit(3))), "integer division truncates toward zero");
    assertEquals(-1, eval(op(BinaryOp.MOD, lit(-7), lit(3))));
  }

  @Test
  void numericIsExactAndComparisonsFollowPostgres() {
    assertEquals(new BigDecimal("0.3"), eval(add(lit(new BigDecimal("0.1")), lit(new BigDecimal("0.2")))));
    assertEquals(new BigDecimal("0.3333333333333333"), eval(op(BinaryOp.DIV, lit(BigDecimal.ONE), lit(new BigDecimal("3")))));
    assertEquals(true, eval(eq(lit(new BigDecimal("1.0")), lit(new BigDecimal("1.00")))));
    assertEquals(true, eval(eq(lit(-0.0), lit(0.0))), "-0 = 0");
    assertEquals(true, eval(lt(lit(Double.POSITIVE_INFINITY), lit(Double.NaN))), "NaN above infinity");
    assertEquals(true, eval(eq(lit(Double.NaN), lit(Double.NaN))));
    assertEquals(true, eval(lt(lit("\uFFFF"), lit(new String(Character.toChars(0x1F600))))), "text by code point");
    assertEquals(true, eval(lt(lit(new byte[] {1}), lit(new byte[] {(byte) 0x80}))), "bytea unsigned");
  }

  @Test
  void caseAndCoalesce() {
    Expr c = new Expr.Case(List.of(new Expr.When(lt(col(0, ColumnType.INTEGER), lit(0)), lit("neg")),
        new Expr.When(eq(col(0, ColumnType.INTEGER), lit(0)), lit("zero"))), lit("pos"));
    assertEquals("neg", eval(c, -5));
    assertEquals("zero", eval(c, 0));
    assertEquals("pos", eval(c, 9));
    assertEquals("pos", eval(c, (Object) null), "a null condition is not true");
    Expr noElse = new Expr.Case(List.of(new Expr.When(lit(false), lit(1))), null);
    assertNull(eval(noElse));
    Expr co = new Expr.Coalesce(List.of(col(0, ColumnType.BIGINT), col(1, ColumnType.BIGINT), lit(7L)));
    assertEquals(2L, eval(co, null, 2L));
    assertEquals(7L, eval(co, null, null));
    assertEquals(1L, eval(co, 1L, null));
    assertNull(eval(new Expr.Coalesce(List.of(col(0, ColumnType.BIGINT))), (Object) null));
  }

  @Test
  void parametersAreCheckedForCountAndType() {
    Expr e = add(param(0, ColumnType.BIGINT), lit(1L));
    assertEquals(11L, new ExprState(ExprCompiler.compile(e), new Object[] {10L}).value(slot()));
    assertEquals(SqlState.PROTOCOL_VIOLATION, assertThrows(DatabaseException.class,
        () -> new ExprState(ExprCompiler.compile(e), new Object[0])).sqlState());
    assertEquals(SqlState.DATATYPE_MISMATCH, assertThrows(DatabaseException.class,
        () -> new ExprState(ExprCompiler.compile(e), new Object[] {"ten"})).sqlState());
  }

  @Test
  void typeErrorsAreRaisedWhenThePlanIsBuilt() {
    assertEquals(SqlState.UNDEFINED_FUNCTION, assertThrows(DatabaseException.class,
        () -> add(lit("a"), lit("b"))).sqlState());
    assertEquals(SqlState.UNDEFINED_FUNCTION, assertThrows(DatabaseException.class,
        () -> eq(lit(1), lit(1L))).sqlState());
    assertEquals(SqlState.DATATYPE_MISMATCH, assertThrows(DatabaseException.class,
        () -> and(lit(1), lit(true))).sqlState());
  }

  @Test
  void programsAreFlatWithFetchesFirstAndFastPaths() {
    ExprProgram p = ExprCompiler.compile(and(lt(col(2, ColumnType.INTEGER), lit(5)), eq(col(0, ColumnType.TEXT), lit("a")),
        lt(col(2, ColumnType.INTEGER), lit(9))));
    assertEquals(ExprProgram.FETCH_L, p.code[0], "column fetches come first");
    assertEquals(ExprProgram.FETCH_O, p.code[4]);
    assertTrue(p.code[8] >= ExprProgram.NOT || p.code[8] >= ExprProgram.CMP_L, "then the operators");
    assertEquals(ExprProgram.DONE, p.code[p.code.length - 4]);
    assertEquals(2, p.maxColumn());
    assertEquals(ExprProgram.FAST_COLUMN_CMP_CONST, ExprCompiler.compile(lt(col(1, ColumnType.BIGINT), lit(3L))).fast);
    assertEquals(ExprProgram.FAST_COLUMN, ExprCompiler.compile(col(1, ColumnType.BIGINT)).fast);
    ExprState s = new ExprState(ExprCompiler.compile(lt(col(0, ColumnType.BIGINT), lit(3L))), new Object[0]);
    assertTrue(s.test(slot(2L)));
    assertFalse(s.test(slot(3L)));
    assertFalse(s.test(slot((Object) null)), "a null comparison rejects the row");
  }

  private static Expr.Func fn(dev.parallax.executor.plan.ScalarFunction f, Expr... args) {
    return new Expr.Func(f, List.of(args));
  }

  @Test
  void likeInNullifCastsAndFunctions() {
    Expr d = col(0, ColumnType.TEXT);
    assertEquals(true, eval(new Expr.Like(d, lit("a%c_"), false), "abbbcd"));
    assertEquals(false, eval(new Expr.Like(d, lit("a%c_"), false), "abc"));
    assertEquals(true, eval(new Expr.Like(d, lit("100\\%"), false), "100%"), "escaped %");
    assertEquals(false, eval(new Expr.Like(d, lit("100\\%"), false), "1000"));
    assertEquals(true, eval(new Expr.Like(d, lit("a.c"), false), "a.c"), "regex characters are literal");
    assertEquals(false, eval(new Expr.Like(d, lit("a.c"), false), "abc"));
    assertNull(eval(new Expr.Like(d, lit("%"), true), (Object) null));
    assertEquals(true, eval(new Expr.Like(d, col(1, ColumnType.TEXT), false), "xy", "_y"), "a pattern from a column");

    Expr a = col(0, ColumnType.INTEGER);
    Expr in = new Expr.InList(a, List.of(lit(1), lit(2), nullOf(ColumnType.INTEGER)), false);
    assertEquals(true, eval(in, 2));
    assertNull(eval(in, 5), "no match but a null in the list: unknown");
    assertNull(eval(new Expr.InList(a, List.of(lit(1), nullOf(ColumnType.INTEGER)), true), 5), "NOT IN with a null: unknown");
    assertEquals(true, eval(new Expr.InList(a, List.of(lit(1), lit(2)), true), 5));
    assertEquals(false, eval(new Expr.InList(a, List.of(lit(1), lit(2)), true), 1));
    assertNull(eval(in, (Object) null));

    assertNull(eval(new Expr.NullIf(a, lit(3)), 3));
    assertEquals(4, eval(new Expr.NullIf(a, lit(3)), 4));
    assertEquals(4, eval(new Expr.NullIf(a, nullOf(ColumnType.INTEGER)), 4));

    assertEquals(42, eval(new Expr.Cast(d, ColumnType.INTEGER), " 42 "));
    assertEquals(SqlState.INVALID_TEXT_REPRESENTATION, assertThrows(DatabaseException.class,
        () -> eval(new Expr.Cast(d, ColumnType.INTEGER), "4x2")).sqlState());
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, assertThrows(DatabaseException.class,
        () -> eval(new Expr.Cast(col(0, ColumnType.BIGINT), ColumnType.INTEGER), 1L << 40)).sqlState());
    assertEquals(3, eval(new Expr.Cast(col(0, ColumnType.NUMERIC), ColumnType.INTEGER), new BigDecimal("2.5")),
        "numeric to integer rounds half away from zero");
    assertEquals(2, eval(new Expr.Cast(col(0, ColumnType.DOUBLE), ColumnType.INTEGER), 2.5), "double rounds half to even");
    assertEquals(true, eval(new Expr.Cast(d, ColumnType.BOOLEAN), "yes"));
    assertEquals("12.50", eval(new Expr.Cast(col(0, ColumnType.NUMERIC), ColumnType.TEXT), new BigDecimal("12.50")));
    assertEquals(7.0, eval(new Expr.Cast(a, ColumnType.DOUBLE), 7));

    assertEquals(5, eval(fn(dev.parallax.executor.plan.ScalarFunction.ABS, a), -5));
    assertEquals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, assertThrows(DatabaseException.class,
        () -> eval(fn(dev.parallax.executor.plan.ScalarFunction.ABS, a), Integer.MIN_VALUE)).sqlState());
    assertEquals(2, eval(fn(dev.parallax.executor.plan.ScalarFunction.LENGTH, d), "\u00e9" + new String(Character.toChars(0x1F600))),
        "length counts characters, not UTF-16 units");
    assertEquals("HI", eval(fn(dev.parallax.executor.plan.ScalarFunction.UPPER, d), "hi"));
    assertEquals("ell", eval(fn(dev.parallax.executor.plan.ScalarFunction.SUBSTRING, d, lit(2), lit(3)), "hello"));
    assertEquals("he", eval(fn(dev.parallax.executor.plan.ScalarFunction.SUBSTRING, d, lit(0), lit(3)), "hello"),
        "positions before 1 use up the count");
    assertEquals("hello", eval(fn(dev.parallax.executor.plan.ScalarFunction.SUBSTRING, d, lit(-1)), "hello"));
    assertEquals(SqlState.SUBSTRING_ERROR, assertThrows(DatabaseException.class,
        () -> eval(fn(dev.parallax.executor.plan.ScalarFunction.SUBSTRING, d, lit(1), lit(-1)), "hello")).sqlState());
    assertNull(eval(fn(dev.parallax.executor.plan.ScalarFunction.LOWER, d), (Object) null), "strict");
    Object r = eval(fn(dev.parallax.executor.plan.ScalarFunction.RANDOM));
    assertTrue(r instanceof Double x && x >= 0 && x < 1);
    assertTrue(eval(fn(dev.parallax.executor.plan.ScalarFunction.NOW)) instanceof java.time.LocalDateTime);
    assertEquals(SqlState.UNDEFINED_FUNCTION, assertThrows(DatabaseException.class,
        () -> fn(dev.parallax.executor.plan.ScalarFunction.LOWER, a)).sqlState());
  }
}
