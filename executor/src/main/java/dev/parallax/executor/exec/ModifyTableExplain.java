package dev.parallax.executor.exec;

import dev.parallax.executor.plan.ModifyTablePlan;
import dev.parallax.executor.plan.OnConflict;

/**
 * EXPLAIN's detail lines of a ModifyTable, as PostgreSQL prints them: "Conflict Resolution",
 * "Conflict Arbiter Indexes" and "Conflict Filter" for INSERT ... ON CONFLICT, and with ANALYZE
 * "Tuples Inserted" / "Conflicting Tuples" (ON CONFLICT) or "Tuples: inserted=.. updated=..
 * deleted=.. skipped=.." (MERGE).
 */
final class ModifyTableExplain {
  private ModifyTableExplain() {}

  static void details(ModifyTablePlan p, PlanState s, String detail, StringBuilder out) {
    OnConflict oc = p.onConflict();
    ModifyTableState ms = s instanceof ModifyTableState m ? m : null;
    if (oc != null) {
      out.append(detail).append("Conflict Resolution: ").append(oc.action().name()).append('\n');
      if (!oc.arbiterIndexes().isEmpty()) {
        out.append(detail).append("Conflict Arbiter Indexes: ").append(String.join(", ", oc.arbiterIndexes())).append('\n');
      }
      if (oc.where() != null) {
        out.append(detail).append("Conflict Filter: ").append(oc.where()).append('\n');
      }
      if (ms != null) {
        out.append(detail).append("Tuples Inserted: ").append(ms.inserted).append('\n');
        out.append(detail).append("Conflicting Tuples: ").append(ms.conflicts).append('\n');
      }
    }
    if (p.operation() == ModifyTablePlan.Operation.MERGE && ms != null) {
      out.append(detail).append("Tuples: inserted=").append(ms.inserted).append(" updated=").append(ms.updated)
          .append(" deleted=").append(ms.deleted).append(" skipped=").append(ms.skipped).append('\n');
    }
  }
}
