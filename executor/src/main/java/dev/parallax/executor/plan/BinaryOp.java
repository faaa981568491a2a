package dev.parallax.executor.plan;

/** The binary operators of expressions: arithmetic on numbers, comparison on every type. */
public enum BinaryOp {
  ADD("+", false),
  SUB("-", false),
  MUL("*", false),
  DIV("/", false),
  MOD("%", false),
  EQ("=", true),
  NE("<>", true),
  LT("<", true),
  LE("<=", true),
  GT(">", true),
  GE(">=", true);

  private final String symbol;
  private final boolean comparison;

  BinaryOp(String symbol, boolean comparison) {
    this.symbol = symbol;
    this.comparison = comparison;
  }

  public String symbol() {
    return symbol;
  }

  public boolean isComparison() {
    return comparison;
  }

  /** Whether a comparison with result {@code c} (negative, zero, positive) holds. */
  public boolean holds(int c) {
    return switch (this) {
      case EQ -> c == 0;
      case NE -> c != 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      case GT -> c > 0;
      case GE -> c >= 0;
      default -> throw new IllegalStateException(this + " is not a comparison");
    };
  }
}
