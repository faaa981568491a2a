package dev.parallax.executor.expr;

import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.RowCodec;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The steps that call into Java over boxed values: scalar functions, LIKE, IN lists, NULLIF and
 * casts. Each is one {@code CALL} step; its arguments are computed into registers by the steps
 * before it, like any operator's. Work that depends only on constants (a LIKE pattern) is done
 * once, when the program is compiled.
 */
final class Calls {
  private Calls() {}

  /** One call: its function over the boxed argument values. */
  interface Fn {
    Object apply(Object[] args);
  }

  /** The function for {@code e}, whose arguments (in order) are {@code args}. */
  static Fn of(Expr e) {
    if (e instanceof Expr.Func f) {
      return switch (f.fn()) {
        case ABS -> strict(a -> abs(a[0]));
        case LENGTH -> strict(a -> a[0] instanceof String s ? s.codePointCount(0, s.length()) : ((byte[]) a[0]).length);
        case LOWER -> strict(a -> ((String) a[0]).toLowerCase(java.util.Locale.ROOT));
        case UPPER -> strict(a -> ((String) a[0]).toUpperCase(java.util.Locale.ROOT));
        case SUBSTRING -> strict(Calls::substring);
        case NOW -> a -> RowCodec.truncate(LocalDateTime.now());
        case RANDOM -> a -> ThreadLocalRandom.current().nextDouble();
      };
    }
    if (e instanceof Expr.Like like) {
      Pattern fixed = like.pattern() instanceof Expr.Constant k && k.value() != null ? likePattern((String) k.value()) : null;
      return strict(a -> {
        Pattern p = fixed != null ? fixed : likePattern((String) a[1]);
        return p.matcher((String) a[0]).matches() != like.negated();
      });
    }
    if (e instanceof Expr.InList in) {
      return a -> {
        if (a[0] == null) {
          return null;
        }
        boolean sawNull = false;
        for (int i = 1; i < a.length; i++) {
          if (a[i] == null) {
            sawNull = true;
          } else if (Ordering.compare(a[0], a[i], false) == 0) {
            return !in.negated();
          }
        }
        return sawNull ? null : in.negated();
      };
    }
    if (e instanceof Expr.NullIf) {
      return a -> a[0] != null && a[1] != null && Ordering.compare(a[0], a[1], false) == 0 ? null : a[0];
    }
    Expr.Cast c = (Expr.Cast) e;
    ColumnType from = c.arg().type();
    return strict(a -> cast(a[0], from, c.target()));
  }

  private static Fn strict(Fn f) {
    return a -> {
      for (Object v : a) {
        if (v == null) {
          return null;
        }
      }
      return f.apply(a);
    };
  }

  private static Object abs(Object v) {
    if (v instanceof Integer i) {
      if (i == Integer.MIN_VALUE) {
        throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range");
      }
      return Math.abs(i);
    }
    if (v instanceof Long l) {
      if (l == Long.MIN_VALUE) {
        throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range");
      }
      return Math.abs(l);
    }
    if (v instanceof Double d) {
      return Math.abs(d);
    }
    return ((BigDecimal) v).abs();
  }

  /** SQL's substring(s, start [, count]): 1-based, positions before 1 count against the length. */
  private static Object substring(Object[] a) {
    String s = (String) a[0];
    int[] cps = s.codePoints().toArray();
    long start = (Integer) a[1];
    long end = a.length > 2 ? start + (Integer) a[2] : Long.MAX_VALUE;
    if (a.length > 2 && (Integer) a[2] < 0) {
      throw new DatabaseException(SqlState.SUBSTRING_ERROR, "negative substring length not allowed");
    }
    int from = (int) Math.max(1, start) - 1;
    int to = (int) Math.min(cps.length, Math.max(0, end - 1));
    return from >= to ? "" : new String(cps, from, to - from);
  }

  /** LIKE as a regular expression: % any run, _ one character, \ escapes the next; all else literal. */
  static Pattern likePattern(String like) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char ch = like.charAt(i);
      if (ch == '\\' && i + 1 < like.length()) {
        re.append(Pattern.quote(String.valueOf(like.charAt(++i))));
      } else if (ch == '%') {
        re.append(".*");
      } else if (ch == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  static Object cast(Object v, ColumnType from, ColumnType to) {
    if (from == to) {
      return v;
    }
    if (to == ColumnType.TEXT) {
      return v instanceof byte[] b ? "\\x" + java.util.HexFormat.of().formatHex(b) : v instanceof BigDecimal d
          ? d.toPlainString() : v instanceof LocalDateTime t ? t.toString().replace('T', ' ') : String.valueOf(v);
    }
    try {
      if (v instanceof String s) {
        return parse(s.trim(), to);
      }
      BigDecimal n = v instanceof Integer i ? BigDecimal.valueOf(i) : v instanceof Long l ? BigDecimal.valueOf(l)
          : v instanceof Double d ? BigDecimal.valueOf(d) : v instanceof BigDecimal b ? b : null;
      if (n == null) {
        throw new DatabaseException(SqlState.CANNOT_COERCE, "cannot cast type " + from.sqlName() + " to " + to.sqlName());
      }
      // PostgreSQL rounds a numeric half away from zero, a double half to even (rint)
      RoundingMode rounding = v instanceof Double ? RoundingMode.HALF_EVEN : RoundingMode.HALF_UP;
      return switch (to) {
        case INTEGER -> n.setScale(0, rounding).intValueExact();
        case BIGINT -> n.setScale(0, rounding).longValueExact();
        case DOUBLE -> v instanceof Double d ? d : n.doubleValue();
        case NUMERIC -> v instanceof Double d && (d.isNaN() || d.isInfinite()) ? fail(v, to) : n;
        default -> throw new DatabaseException(SqlState.CANNOT_COERCE, "cannot cast type " + from.sqlName() + " to " + to.sqlName());
      };
    } catch (ArithmeticException e) {
      throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, to.sqlName() + " out of range");
    } catch (NumberFormatException e) {
      throw new DatabaseException(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type " + to.sqlName()
          + ": \"" + v + "\"");
    }
  }

  private static Object fail(Object v, ColumnType to) {
    throw new DatabaseException(SqlState.CANNOT_COERCE, "cannot cast " + v + " to " + to.sqlName());
  }

  private static Object parse(String s, ColumnType to) {
    return switch (to) {
      case INTEGER -> Integer.parseInt(s);
      case BIGINT -> Long.parseLong(s);
      case DOUBLE -> Double.parseDouble(s);
      case NUMERIC -> new BigDecimal(s);
      case BOOLEAN -> switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "t", "true", "yes", "on", "1" -> Boolean.TRUE;
        case "f", "false", "no", "off", "0" -> Boolean.FALSE;
        default -> throw new NumberFormatException(s);
      };
      case TIMESTAMP -> {
        try {
          yield RowCodec.truncate(LocalDateTime.parse(s.replace(' ', 'T')));
        } catch (java.time.format.DateTimeParseException e) {
          throw new NumberFormatException(s);
        }
      }
      case BYTEA -> s.startsWith("\\x") ? java.util.HexFormat.of().parseHex(s.substring(2)) : s.getBytes(StandardCharsets.UTF_8);
      default -> s;
    };
  }
}
