package dev.parallax.executor.plan;

/**
 * How an Aggregate finds its groups. PLAIN: no GROUP BY, one row over all input. SORTED: the
 * input arrives sorted on the group keys, so each group is a run of consecutive rows and is
 * returned as soon as the next one starts (streaming, memory for one group). HASHED: groups in a
 * hash table, any input order; beyond work_mem the rows of groups not yet in the table are
 * partitioned to temporary files and aggregated partition by partition (PostgreSQL 13's way).
 */
public enum AggStrategy {
  PLAIN("Aggregate"),
  SORTED("GroupAggregate"),
  HASHED("HashAggregate");

  private final String label;

  AggStrategy(String label) {
    this.label = label;
  }

  /** The node's name in EXPLAIN. */
  public String label() {
    return label;
  }
}
