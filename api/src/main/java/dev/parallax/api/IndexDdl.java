package dev.parallax.api;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.btree.BTree;
import dev.parallax.txn.Transaction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CREATE INDEX and DROP INDEX. An index is part of its table's catalog entry, so both are a
 * transactional change of that entry ({@link Catalog#alter}); the tree's relation is created by
 * the build and dropped again if the transaction does not commit with the index in place, and a
 * dropped index's relation goes when the drop commits.
 */
final class IndexDdl {
  private IndexDdl() {}

  /** Builds and records the index; the caller holds a lock on {@code tab} that keeps writers out. */
  static Table create(Database db, Transaction t, Table tab, String name, List<String> columns, boolean unique,
      boolean primaryKey) {
    Identifiers.check(name, "index");
    if (columns.isEmpty()) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, "index \"" + name + "\" must have at least one column");
    }
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      tab.columnIndex(c); // 42703 if missing
      if (!seen.add(c)) {
        throw new DatabaseException(SqlState.DUPLICATE_COLUMN, "column \"" + c + "\" appears twice in index \"" + name + "\"");
      }
    }
    checkNameFree(db, t, name);
    Index idx = new Index(name, db.catalog().newRelation(), columns, unique, primaryKey);
    BTree tree;
    try {
      tree = IndexMaintenance.build(db, t, tab, idx);
    } catch (RuntimeException e) {
      if (db.storage().bufferPool().relationExists(idx.relation())) {
        db.storage().bufferPool().dropRelation(idx.relation());
      }
      throw e;
    }
    db.treeBuilt(tree);
    return db.catalog().alter(tab.name(), t, current -> {
      checkNameFree(db, t, name);
      return new Catalog.Change(current.withIndex(idx), List.of(idx.relation()));
    });
  }

  private static void checkNameFree(Database db, Transaction t, String name) {
    if (db.catalog().tableOfIndex(name, t).isPresent() || db.catalog().lookup(name, t).isPresent()) {
      throw new DatabaseException(SqlState.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
    }
  }

  static Table drop(Database db, Transaction t, String table, String name) {
    return db.catalog().alter(table, t, current -> {
      Index idx = current.index(name).orElseThrow(() ->
          new DatabaseException(SqlState.UNDEFINED_OBJECT, "index \"" + name + "\" does not exist"));
      if (idx.primaryKey()) {
        throw new DatabaseException(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, "cannot drop index " + name
            + " because constraint " + name + " on table " + table + " requires it");
      }
      return new Catalog.Change(current.withoutIndex(name), List.of());
    });
  }
}
