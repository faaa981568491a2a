package dev.parallax.executor.expr;

/**
 * Runs one sub-query step of an expression: the executor's {@code SubPlanState}, which owns the
 * sub-query's state tree. Given the argument values (the outer row's columns it is correlated
 * with) and, for ANY / ALL, the left operand's value, returns the step's value (a Boolean for
 * EXISTS / ANY / ALL, possibly null; the scalar otherwise).
 */
public interface SubPlanEvaluator {
  Object evaluate(Object[] args, Object test);
}
