package dev.parallax.sql.bind;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCodes;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;

/**
 * Binds one expression: resolves names through the {@link Scope}, types every node (inserting
 * the implicit casts of {@link Types}), types literals and parameters from their context, and
 * checks where aggregates may appear.
 *
 * <p>Three modes. Plain ({@code grouping == null}): aggregates are not allowed (the clause's
 * name is in the error). Aggregated ({@code grouping} set): the expression is evaluated above the
 * Agg node, so an aggregate call becomes a reference to its result, a sub-expression equal to a
 * GROUP BY expression a reference to that key, and any other column reference is 42803. Inside an
 * aggregate's arguments: plain again, with nested aggregates refused.
 *
 * <p>Unknown-typed values (quoted literals, NULL, parameters not yet typed) are remembered by
 * identity until a context gives them a type ({@link #coerce}); one that never gets one becomes
 * text ({@link #settle}).
 */
final class ExprBinder {
  /** GROUP BY keys and the aggregate calls found so far, for a binder above an Agg. */
  static final class Grouping {
    final List<Expr> keys;
    final List<AggCall> aggregates = new ArrayList<>();

    Grouping(List<Expr> keys) {
      this.keys = keys;
    }

    int width() {
      return keys.size() + aggregates.size();
    }
  }

  private final Scope scope;
  private final Params params;
  private final Set<Expr> unknown;
  private final Grouping grouping;
  private final String clause;

  ExprBinder(Scope scope, Params params, String clause) {
    this(scope, params, Collections.newSetFromMap(new IdentityHashMap<>()), null, clause);
  }

  private ExprBinder(Scope scope, Params params, Set<Expr> unknown, Grouping grouping, String clause) {
    this.scope = scope;
    this.params = params;
    this.unknown = unknown;
    this.grouping = grouping;
    this.clause = clause;
  }

  /** A binder for expressions above the Agg (select list, HAVING, ORDER BY of an aggregated query). */
  ExprBinder aboveAgg(Grouping g, String clauseName) {
    return new ExprBinder(scope, params, unknown, g, clauseName);
  }

  ExprBinder in(String clauseName) {
    return new ExprBinder(scope, params, unknown, grouping, clauseName);
  }

  ExprBinder plain(String clauseName) {
    return new ExprBinder(scope, params, unknown, null, clauseName);
  }

  /** Binds {@code e}; a value left without a type is text. */
  Expr bindSettled(Expression e) {
    return settle(bind(e));
  }

  /** Binds {@code e} as a predicate (boolean; an unknown literal is read as a boolean). */
  Expr bindPredicate(Expression e) {
    Expr x = bind(e);
    if (unknown.contains(x)) {
      return coerce(x, ColumnType.BOOLEAN, false, clause);
    }
    if (x.type() != ColumnType.BOOLEAN) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "argument of " + clause + " must be type boolean, not type "
          + x.type().sqlName());
    }
    return x;
  }

  Expr bind(Expression e) {
    if (grouping != null) {
      if (isAggregate(e)) {
        return aggregateRef((Function) e);
      }
      if (!containsAggregate(e)) {
        Expr pre = plain(clause).bind(e);
        int k = grouping.keys.indexOf(pre);
        if (k >= 0) {
          return new Expr.Column(k, pre.type());
        }
        if (Exprs.isColumnFree(pre)) {
          return pre;
        }
        if (e instanceof Column c) {
          throw new DatabaseException(SqlCodes.GROUPING_ERROR, "column \"" + columnText(c)
              + "\" must appear in the GROUP BY clause or be used in an aggregate function");
        }
      }
    }
    return bindNode(e);
  }

  private static String columnText(Column c) {
    return c.getTable() != null && c.getTable().getName() != null ? c.getTable().getName() + "." + c.getColumnName()
        : c.getColumnName();
  }

  private Expr bindNode(Expression e) {
    if (e instanceof Column c) {
      return column(c);
    }
    if (e instanceof LongValue v) {
      return integerLiteral(v.getStringValue());
    }
    if (e instanceof DoubleValue v) {
      return new Expr.Constant(new BigDecimal(v.toString()), ColumnType.NUMERIC);
    }
    if (e instanceof StringValue s) {
      if (s.getPrefix() != null && !s.getPrefix().isEmpty()) {
        throw Types.unsupported("string literals with prefix " + s.getPrefix());
      }
      return unknownConstant(s.getValue().replace("''", "'"));
    }
    if (e instanceof NullValue) {
      return unknownConstant(null);
    }
    if (e instanceof BooleanValue b) {
      return new Expr.Constant(b.getValue(), ColumnType.BOOLEAN);
    }
    if (e instanceof TimestampValue t) {
      return Types.cast(new Expr.Constant(t.getRawValue().replaceAll("^'|'$", ""), ColumnType.TEXT), ColumnType.TIMESTAMP);
    }
    if (e instanceof JdbcParameter p) {
      int index = p.getIndex() == null || "?".equals(p.getParameterCharacter()) ? params.nextQuestionMark() : p.getIndex();
      if (index < 1) {
        throw new DatabaseException(SqlCodes.UNDEFINED_PARAMETER, "there is no parameter $" + index);
      }
      ColumnType t = params.type(index);
      if (t != null) {
        return new Expr.Param(index - 1, t);
      }
      params.note(index);
      Expr placeholder = new Expr.Param(index - 1, ColumnType.TEXT);
      unknown.add(placeholder);
      return placeholder;
    }
    if (e instanceof ParenthesedExpressionList<?> list) {
      if (list.size() == 1) {
        return bind(list.get(0));
      }
      throw Types.unsupported("row constructors");
    }
    if (e instanceof net.sf.jsqlparser.expression.Parenthesis p) {
      return bind(p.getExpression());
    }
    if (e instanceof SignedExpression s) {
      Expr x = bind(s.getExpression());
      if (s.getSign() == '+') {
        return x;
      }
      if (s.getSign() != '-') {
        throw Types.unsupported("operator " + s.getSign());
      }
      if (unknown.contains(x)) {
        x = coerce(x, ColumnType.NUMERIC, false, "unary minus");
      }
      if (x instanceof Expr.Constant c && c.value() != null) {
        return negate(c);
      }
      return new Expr.Binary(BinaryOp.SUB, zero(x.type()), x);
    }
    if (e instanceof AndExpression a) {
      return new Expr.And(List.of(predicate(a.getLeftExpression(), "AND"), predicate(a.getRightExpression(), "AND")));
    }
    if (e instanceof OrExpression o) {
      return new Expr.Or(List.of(predicate(o.getLeftExpression(), "OR"), predicate(o.getRightExpression(), "OR")));
    }
    if (e instanceof NotExpression n) {
      return new Expr.Not(predicate(n.getExpression(), "NOT"));
    }
    if (e instanceof IsNullExpression n) {
      return new Expr.IsNull(settle(bind(n.getLeftExpression())), n.isNot());
    }
    if (e instanceof Between b) {
      Expr x = bind(b.getLeftExpression());
      Expr lo = bind(b.getBetweenExpressionStart());
      Expr hi = bind(b.getBetweenExpressionEnd());
      if (b.isUsingSymmetric()) {
        throw Types.unsupported("BETWEEN SYMMETRIC");
      }
      Expr ge = compare(BinaryOp.GE, x, lo);
      Expr le = compare(BinaryOp.LE, x, hi);
      return b.isNot() ? new Expr.Or(List.of(new Expr.Not(ge), new Expr.Not(le))) : new Expr.And(List.of(ge, le));
    }
    if (e instanceof InExpression in) {
      return inList(in);
    }
    if (e instanceof LikeExpression l) {
      if (l.getLikeKeyWord() != LikeExpression.KeyWord.LIKE || l.getEscape() != null) {
        throw Types.unsupported(l.getLikeKeyWord() + (l.getEscape() != null ? " ... ESCAPE" : ""));
      }
      Expr arg = coerce(bind(l.getLeftExpression()), ColumnType.TEXT, false, "LIKE");
      Expr pattern = coerce(bind(l.getRightExpression()), ColumnType.TEXT, false, "LIKE");
      return new Expr.Like(arg, pattern, l.isNot());
    }
    if (e instanceof CastExpression c) {
      ColumnType to = Types.named(c.getColDataType().getDataType(), c.getColDataType().getArgumentsStringList());
      Expr x = bind(c.getLeftExpression());
      if (unknown.contains(x)) {
        return coerce(x, to, false, "CAST");
      }
      return Types.cast(x, to);
    }
    if (e instanceof CaseExpression c) {
      return caseExpr(c);
    }
    if (e instanceof Function f) {
      return function(f);
    }
    if (e instanceof BinaryExpression b) {
      BinaryOp op = operator(b);
      if (op == null) {
        throw Types.unsupported("operator " + b.getStringExpression());
      }
      Expr l = bind(b.getLeftExpression());
      Expr r = bind(b.getRightExpression());
      return op.isComparison() ? compare(op, l, r) : arithmetic(op, l, r);
    }
    if (e instanceof net.sf.jsqlparser.expression.AnalyticExpression) {
      throw Types.unsupported("window functions");
    }
    if (e instanceof net.sf.jsqlparser.statement.select.Select || e instanceof net.sf.jsqlparser.expression.operators.relational.ExistsExpression) {
      throw Types.unsupported("subqueries");
    }
    throw Types.unsupported("expression " + e.getClass().getSimpleName() + " (" + e + ")");
  }

  private Expr predicate(Expression e, String where) {
    return in(where).bindPredicate(e);
  }

  private static BinaryOp operator(BinaryExpression b) {
    if (b instanceof Addition) {
      return BinaryOp.ADD;
    }
    if (b instanceof Subtraction) {
      return BinaryOp.SUB;
    }
    if (b instanceof Multiplication) {
      return BinaryOp.MUL;
    }
    if (b instanceof Division) {
      return BinaryOp.DIV;
    }
    if (b instanceof Modulo) {
      return BinaryOp.MOD;
    }
    if (b instanceof EqualsTo) {
      return BinaryOp.EQ;
    }
    if (b instanceof NotEqualsTo) {
      return BinaryOp.NE;
    }
    if (b instanceof MinorThan) {
      return BinaryOp.LT;
    }
    if (b instanceof MinorThanEquals) {
      return BinaryOp.LE;
    }
    if (b instanceof GreaterThan) {
      return BinaryOp.GT;
    }
    if (b instanceof GreaterThanEquals) {
      return BinaryOp.GE;
    }
    return null;
  }

  private Expr column(Column c) {
    String q = c.getTable() == null ? null : c.getTable().getName();
    String name = identifier(c.getColumnName());
    if (q == null && !c.getColumnName().startsWith("\"")) {
      String lower = name.toLowerCase(Locale.ROOT);
      if ((lower.equals("true") || lower.equals("false")) && !scope.resolves(lower)) {
        return new Expr.Constant(lower.equals("true"), ColumnType.BOOLEAN);
      }
    }
    return scope.column(q == null ? null : identifier(q), name);
  }

  /** An identifier as PostgreSQL reads it: quoted kept as written, unquoted folded to lower case. */
  static String identifier(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1).replace("\"\"", "\"");
    }
    return s.toLowerCase(Locale.ROOT);
  }

  static Expr integerLiteral(String text) {
    BigInteger v = new BigInteger(text);
    if (v.bitLength() < 32) {
      return new Expr.Constant(v.intValue(), ColumnType.INTEGER);
    }
    if (v.bitLength() < 64) {
      return new Expr.Constant(v.longValue(), ColumnType.BIGINT);
    }
    return new Expr.Constant(new BigDecimal(v), ColumnType.NUMERIC);
  }

  private Expr unknownConstant(String value) {
    Expr c = new Expr.Constant(value, ColumnType.TEXT);
    unknown.add(c);
    return c;
  }

  private static Expr negate(Expr.Constant c) {
    Object v = c.value();
    if (v instanceof Integer i) {
      return i == Integer.MIN_VALUE ? new Expr.Constant(-(long) i, ColumnType.BIGINT) : new Expr.Constant(-i, ColumnType.INTEGER);
    }
    if (v instanceof Long l) {
      return l == Long.MIN_VALUE ? new Expr.Constant(BigDecimal.valueOf(l).negate(), ColumnType.NUMERIC)
          : new Expr.Constant(-l, ColumnType.BIGINT);
    }
    if (v instanceof BigDecimal d) {
      BigDecimal n = d.negate();
      // -2147483648 arrives as the bigint 2147483648 negated: PostgreSQL reads it as an integer
      if (c.type() == ColumnType.NUMERIC && n.scale() == 0 && n.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) == 0) {
        return new Expr.Constant(Long.MIN_VALUE, ColumnType.BIGINT);
      }
      return new Expr.Constant(n, ColumnType.NUMERIC);
    }
    if (v instanceof Double d) {
      return new Expr.Constant(-d, ColumnType.DOUBLE);
    }
    throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: - " + c.type().sqlName());
  }

  private static Expr zero(ColumnType t) {
    return switch (t) {
      case INTEGER -> new Expr.Constant(0, t);
      case BIGINT -> new Expr.Constant(0L, t);
      case DOUBLE -> new Expr.Constant(0.0, t);
      case NUMERIC -> new Expr.Constant(BigDecimal.ZERO, t);
      default -> throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: - " + t.sqlName());
    };
  }

  /** {@code l op r} for a comparison: unknowns take the other side's type, numbers widen to the common type. */
  Expr compare(BinaryOp op, Expr l, Expr r) {
    Expr[] both = unify(l, r, op.symbol());
    return new Expr.Binary(op, both[0], both[1]);
  }

  private Expr arithmetic(BinaryOp op, Expr l, Expr r) {
    boolean lu = unknown.contains(l);
    boolean ru = unknown.contains(r);
    if (lu && ru) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator is not unique: unknown " + op.symbol() + " unknown");
    }
    Expr[] both = unify(l, r, op.symbol());
    if (Types.numericRank(both[0].type()) < 0) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + both[0].type().sqlName() + " "
          + op.symbol() + " " + both[1].type().sqlName());
    }
    return new Expr.Binary(op, both[0], both[1]);
  }

  /** The two operands converted to one type (42883 if there is none). */
  Expr[] unify(Expr l, Expr r, String symbol) {
    boolean lu = unknown.contains(l);
    boolean ru = unknown.contains(r);
    if (lu && ru) {
      return new Expr[] {settle(l), settle(r)};
    }
    if (lu) {
      return new Expr[] {coerce(l, r.type(), false, symbol), r};
    }
    if (ru) {
      return new Expr[] {l, coerce(r, l.type(), false, symbol)};
    }
    ColumnType t = Types.common(l.type(), r.type());
    if (t == null) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: " + l.type().sqlName() + " "
          + symbol + " " + r.type().sqlName());
    }
    return new Expr[] {Types.cast(l, t), Types.cast(r, t)};
  }

  /**
   * {@code e} as type {@code to}. Unknowns take it (a literal is parsed now: 22P02 if it does
   * not read as one); numbers widen; with {@code assignment} they also narrow (checked when
   * run). Anything else is 42804, naming {@code what}.
   */
  Expr coerce(Expr e, ColumnType to, boolean assignment, String what) {
    if (unknown.contains(e)) {
      if (e instanceof Expr.Param p) {
        return params.typed(p.index() + 1, to);
      }
      Expr.Constant c = (Expr.Constant) e;
      return c.value() == null ? new Expr.Constant(null, to) : Types.cast(c, to);
    }
    if (e.type() == to) {
      return e;
    }
    if (Types.implicit(e.type(), to) || (assignment && Types.numericRank(e.type()) >= 0 && Types.numericRank(to) >= 0)) {
      return Types.cast(e, to);
    }
    throw new DatabaseException(SqlState.DATATYPE_MISMATCH, what + " is of type " + to.sqlName()
        + " but expression is of type " + e.type().sqlName());
  }

  /** An unknown value left without a context: text, as in PostgreSQL. */
  Expr settle(Expr e) {
    return unknown.contains(e) ? coerce(e, ColumnType.TEXT, false, "value") : e;
  }

  boolean isUnknown(Expr e) {
    return unknown.contains(e);
  }

  private Expr inList(InExpression in) {
    if (!(in.getRightExpression() instanceof ExpressionList<?> list)) {
      throw Types.unsupported((in.isNot() ? "NOT IN" : "IN") + " (subquery) here (only as a condition ANDed to WHERE)");
    }
    Expr arg = bind(in.getLeftExpression());
    List<Expr> values = new ArrayList<>();
    for (Expression v : list) {
      values.add(bind(v));
    }
    List<Expr> all = new ArrayList<>(values);
    all.add(0, arg);
    ColumnType t = commonType(all, "IN");
    List<Expr> typed = new ArrayList<>();
    for (Expr v : values) {
      typed.add(coerce(v, t, false, "IN"));
    }
    return new Expr.InList(coerce(arg, t, false, "IN"), typed, in.isNot());
  }

  /** The type a list of values resolves to (CASE, COALESCE, IN, UNION): unknowns follow the others. */
  ColumnType commonType(List<Expr> es, String construct) {
    ColumnType t = null;
    for (Expr e : es) {
      if (unknown.contains(e)) {
        continue;
      }
      if (t == null) {
        t = e.type();
      } else {
        ColumnType c = Types.common(t, e.type());
        if (c == null) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, construct + " types " + t.sqlName() + " and "
              + e.type().sqlName() + " cannot be matched");
        }
        t = c;
      }
    }
    return t == null ? ColumnType.TEXT : t;
  }

  private Expr caseExpr(CaseExpression c) {
    Expr subject = c.getSwitchExpression() == null ? null : bind(c.getSwitchExpression());
    List<Expr> conditions = new ArrayList<>();
    List<Expr> results = new ArrayList<>();
    for (WhenClause w : c.getWhenClauses()) {
      if (subject == null) {
        conditions.add(predicate(w.getWhenExpression(), "CASE/WHEN"));
      } else {
        conditions.add(compare(BinaryOp.EQ, subject, bind(w.getWhenExpression())));
      }
      results.add(bind(w.getThenExpression()));
    }
    Expr otherwise = c.getElseExpression() == null ? null : bind(c.getElseExpression());
    List<Expr> all = new ArrayList<>(results);
    if (otherwise != null) {
      all.add(otherwise);
    }
    ColumnType t = commonType(all, "CASE");
    List<Expr.When> whens = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      whens.add(new Expr.When(conditions.get(i), coerce(results.get(i), t, false, "CASE")));
    }
    return new Expr.Case(whens, otherwise == null ? null : coerce(otherwise, t, false, "CASE"));
  }

  boolean nestedAggregate;

  /** A function call (aggregates are handled by {@link #aggregateRef} above an Agg). */
  private Expr function(Function f) {
    return Functions.scalar(this, f, nestedAggregate, clause);
  }

  private Expr aggregateRef(Function f) {
    AggCall call = Functions.aggregate(plain("aggregate function calls cannot be nested"), f);
    int k = grouping.aggregates.indexOf(call);
    if (k < 0) {
      grouping.aggregates.add(call);
      k = grouping.aggregates.size() - 1;
    }
    return new Expr.Column(grouping.keys.size() + k, call.resultType());
  }

  static boolean isAggregate(Expression e) {
    return Functions.isAggregate(e);
  }

  static boolean containsAggregate(Expression e) {
    return Functions.containsAggregate(e);
  }
}
