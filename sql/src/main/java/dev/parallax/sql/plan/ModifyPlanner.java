package dev.parallax.sql.plan;

import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.ModifyTablePlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.bind.Bound;
import dev.parallax.sql.bind.Exprs;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans INSERT, UPDATE and DELETE as a ModifyTable over the rows to change. INSERT ... VALUES
 * is one Values Scan when every value is a constant, else one single-row Values Scan per row
 * under an Append (so parameters and expressions are computed when the statement runs); INSERT
 * ... SELECT reshapes the query's rows into the table's column order. UPDATE and DELETE scan the
 * table by the best access path for WHERE and pass the row identity up.
 *
 * <p>Without RETURNING the ModifyTable returns one empty row per changed row, which the caller
 * counts for the command tag.
 */
public final class ModifyPlanner {
  private final QueryPlanner queries = new QueryPlanner();

  public Plan insert(Bound.Insert ins) {
    Nodes nodes = queries.nodes();
    SqlCatalog.Table t = ins.table();
    List<ColumnType> types = t.types();
    Plan source;
    if (ins.values() != null) {
      boolean constant = ins.values().stream().allMatch(r -> r.stream().allMatch(e -> e instanceof Expr.Constant));
      if (constant) {
        List<Object[]> rows = new ArrayList<>();
        for (List<Expr> r : ins.values()) {
          rows.add(r.stream().map(e -> ((Expr.Constant) e).value()).toArray());
        }
        source = nodes.values(types, rows, List.of(), null);
      } else {
        List<Plan> rows = new ArrayList<>();
        for (List<Expr> r : ins.values()) {
          rows.add(nodes.values(List.of(), List.<Object[]>of(new Object[0]), List.of(), r));
        }
        source = rows.size() == 1 ? rows.get(0) : nodes.append(rows);
      }
    } else {
      Plan q = queries.plan(ins.source());
      List<ColumnType> have = q.outputTypes();
      List<Expr> row = new ArrayList<>();
      for (int i = 0; i < types.size(); i++) {
        int k = ins.targetColumns().indexOf(i);
        if (k < 0) {
          row.add(dev.parallax.sql.bind.StatementBinder.defaultOf(t.columns().get(i)));
        } else {
          Expr c = new Expr.Column(k, have.get(k));
          row.add(have.get(k) == types.get(i) ? c : new Expr.Cast(c, types.get(i)));
        }
      }
      source = nodes.withTargets(q, row);
    }
    return nodes.modify(source, ModifyTablePlan.Operation.INSERT, t.relation(), t.name(), types, -1, null,
        ins.returning() == null ? List.of() : ins.returning());
  }

  /** UPDATE (newValues set) or DELETE. */
  public Plan modify(Bound.Modify m) {
    Nodes nodes = queries.nodes();
    SqlCatalog.Table t = m.table();
    Plan scan = AccessPaths.best(nodes, t, m.where());
    Plan rows = nodes.withTargets(scan, List.of(new Expr.RowIdentity()));
    ModifyTablePlan.Operation op = m.newValues() == null ? ModifyTablePlan.Operation.DELETE : ModifyTablePlan.Operation.UPDATE;
    return nodes.modify(rows, op, t.relation(), t.name(), t.types(), 0, m.newValues(),
        m.returning() == null ? List.of() : m.returning());
  }

  public Plan query(Bound.Query q) {
    return queries.plan(q);
  }

  static boolean columnFree(List<Expr> es) {
    return es.stream().allMatch(Exprs::isColumnFree);
  }
}
