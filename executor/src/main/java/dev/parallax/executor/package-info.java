/**
 * The demand-pull executor (road step 4): immutable plan trees, state trees, flat expression
 * programs, ModifyTable and EvalPlanQual. Empty until that issue.
 */
package dev.parallax.executor;
