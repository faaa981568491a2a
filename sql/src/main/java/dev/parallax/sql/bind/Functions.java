package dev.parallax.sql.bind;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.ScalarFunction;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCodes;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.StringValue;

/**
 * Function calls for {@link ExprBinder}: the scalar functions the executor has (with argument
 * types from context: {@code abs('1.5')} reads numeric, {@code length('x')} text), COALESCE and
 * NULLIF, and the aggregates (count, sum, avg, min, max, bool_and / bool_or / every,
 * string_agg, with DISTINCT). Anything else is 42883 naming the argument types.
 */
final class Functions {
  private Functions() {}

  private static final java.util.Map<String, AggFunction> AGGREGATES = java.util.Map.of("count", AggFunction.COUNT,
      "sum", AggFunction.SUM, "avg", AggFunction.AVG, "min", AggFunction.MIN, "max", AggFunction.MAX,
      "bool_and", AggFunction.BOOL_AND, "bool_or", AggFunction.BOOL_OR, "every", AggFunction.BOOL_AND,
      "string_agg", AggFunction.STRING_AGG);

  static boolean isAggregate(Expression e) {
    return e instanceof Function f && f.getMultipartName().size() == 1
        && AGGREGATES.containsKey(f.getName().toLowerCase(Locale.ROOT));
  }

  /** Whether an aggregate call appears anywhere in {@code e}. */
  static boolean containsAggregate(Expression e) {
    if (e == null) {
      return false;
    }
    boolean[] found = new boolean[1];
    e.accept(new net.sf.jsqlparser.util.deparser.ExpressionDeParser() {
      @Override
      public <S> StringBuilder visit(Function function, S context) {
        if (isAggregate(function)) {
          found[0] = true;
        }
        return super.visit(function, context);
      }
    }, null);
    return found[0];
  }

  private static List<Expression> arguments(Function f) {
    List<Expression> out = new ArrayList<>();
    if (f.getParameters() != null) {
      for (Expression e : f.getParameters()) {
        out.add(e);
      }
    }
    return out;
  }

  /** The aggregate call {@code f}, its arguments bound by {@code args} (a plain binder that refuses nested aggregates). */
  static AggCall aggregate(ExprBinder args, Function f) {
    String name = f.getName().toLowerCase(Locale.ROOT);
    AggFunction fn = AGGREGATES.get(name);
    if (f.getKeep() != null || f.getOrderByElements() != null || f.isIgnoreNulls() || f.getNullHandling() != null) {
      throw Types.unsupported("this form of aggregate " + name);
    }
    args.nestedAggregate = true;
    List<Expression> a = arguments(f);
    if (f.isAllColumns() || (a.size() == 1 && a.get(0) instanceof net.sf.jsqlparser.statement.select.AllColumns)) {
      if (fn != AggFunction.COUNT) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, name + "(*) is not an aggregate");
      }
      return AggCall.countStar();
    }
    if (fn == AggFunction.STRING_AGG) {
      if (a.size() != 2 || !(a.get(1) instanceof StringValue d)) {
        throw Types.unsupported("string_agg with a delimiter that is not a literal");
      }
      Expr arg = args.coerce(args.bind(a.get(0)), ColumnType.TEXT, false, "string_agg");
      return new AggCall(fn, arg, null, f.isDistinct(), d.getValue());
    }
    if (a.size() != 1) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function " + name + " with " + a.size()
          + " arguments does not exist");
    }
    Expr arg = args.bindSettled(a.get(0));
    if (arg.type() == ColumnType.TEXT && (fn == AggFunction.SUM || fn == AggFunction.AVG)) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function " + name + "(text) does not exist");
    }
    return new AggCall(fn, arg, null, f.isDistinct(), null);
  }

  /** A scalar function call (an aggregate here is misplaced: 42803 naming the clause). */
  static Expr scalar(ExprBinder b, Function f, boolean nestedAggregate, String clause) {
    String name = f.getName().toLowerCase(Locale.ROOT);
    if (isAggregate(f)) {
      if (nestedAggregate) {
        throw new DatabaseException(SqlCodes.GROUPING_ERROR, "aggregate function calls cannot be nested");
      }
      throw new DatabaseException(SqlCodes.GROUPING_ERROR, "aggregate functions are not allowed in " + clause);
    }
    if (f.isDistinct() || f.isAllColumns()) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function " + name + " is not an aggregate");
    }
    List<Expr> args = new ArrayList<>();
    for (Expression a : arguments(f)) {
      args.add(b.bind(a));
    }
    switch (name) {
      case "coalesce" -> {
        ColumnType t = b.commonType(args, "COALESCE");
        return new Expr.Coalesce(args.stream().map(x -> b.coerce(x, t, false, "COALESCE")).toList());
      }
      case "nullif" -> {
        if (args.size() != 2) {
          throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function nullif with " + args.size()
              + " arguments does not exist");
        }
        Expr[] both = b.unify(args.get(0), args.get(1), "=");
        return new Expr.NullIf(both[0], both[1]);
      }
      case "abs" -> {
        return new Expr.Func(ScalarFunction.ABS, settleAll(b, args, ColumnType.NUMERIC));
      }
      case "length", "char_length" -> {
        return new Expr.Func(ScalarFunction.LENGTH, settleAll(b, args, ColumnType.TEXT));
      }
      case "lower" -> {
        return new Expr.Func(ScalarFunction.LOWER, settleAll(b, args, ColumnType.TEXT));
      }
      case "upper" -> {
        return new Expr.Func(ScalarFunction.UPPER, settleAll(b, args, ColumnType.TEXT));
      }
      case "substring", "substr" -> {
        List<Expr> typed = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
          typed.add(b.coerce(args.get(i), i == 0 ? ColumnType.TEXT : ColumnType.INTEGER, false, "substring"));
        }
        return new Expr.Func(ScalarFunction.SUBSTRING, typed);
      }
      case "now", "current_timestamp" -> {
        return new Expr.Func(ScalarFunction.NOW, args);
      }
      case "random" -> {
        return new Expr.Func(ScalarFunction.RANDOM, args);
      }
      default -> throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function " + name + "("
          + String.join(", ", args.stream().map(a -> b.isUnknown(a) ? "unknown" : a.type().sqlName()).toList())
          + ") does not exist");
    }
  }

  private static List<Expr> settleAll(ExprBinder b, List<Expr> args, ColumnType unknownAs) {
    return args.stream().map(a -> b.isUnknown(a) ? b.coerce(a, unknownAs, false, "argument") : a).toList();
  }
}
