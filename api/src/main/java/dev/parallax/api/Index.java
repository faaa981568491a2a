package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * A B+tree index of a table as the catalog describes it: its name (unique in the database), its
 * relation (file) number, the indexed columns in key order, and whether it is unique (a primary
 * key is a unique index over NOT NULL columns, named {@code <table>_pkey}).
 */
public record Index(String name, int relation, List<String> columns, boolean unique, boolean primaryKey) {
  public Index {
    columns = List.copyOf(columns);
  }

  /** Positions of the indexed columns in the table's rows. */
  int[] positions(Table table) {
    int[] out = new int[columns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = table.columnIndex(columns.get(i));
    }
    return out;
  }

  ColumnType[] keyTypes(Table table) {
    ColumnType[] out = new ColumnType[columns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = table.columns().get(table.columnIndex(columns.get(i))).type();
    }
    return out;
  }
}
