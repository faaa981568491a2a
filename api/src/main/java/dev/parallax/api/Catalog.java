package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.Heap;
import dev.parallax.mvcc.HeapScan;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.RowCodec;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.SystemRelations;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.TransactionManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The table catalog.
 *
 * <p>The durable truth is an MVCC heap, relation {@link SystemRelations#CATALOG_TABLES}, with one
 * row (relation, name, columns) per table: written inside the creating or dropping transaction,
 * logged like any heap change, so a crash keeps exactly the committed DDL. It is read once, at
 * open. Lookups are answered from memory, the way PostgreSQL answers them from a catalog snapshot
 * (the latest committed state, not the transaction's snapshot): a table created and committed
 * after a REPEATABLE READ transaction began can be named by it, though its rows are invisible.
 *
 * <p>Concurrency: every field below is guarded by {@code this}. A transaction's own uncommitted
 * create or drop is seen only by itself, and only while the (sub)transaction that made it has not
 * been rolled back; a second transaction creating or dropping the same name waits for the first to
 * end (as PostgreSQL's unique index on the catalog makes it wait) and then re-checks.
 */
final class Catalog {
  /**
   * (relation, name, columns, indexes, defaults and checks); rows written before a column existed
   * read it as null (see {@link ConstraintCodec} for the last).
   */
  static final ColumnType[] ROW_TYPES = {ColumnType.INTEGER, ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT,
      ColumnType.BYTEA};

  /** A committed or pending table and the catalog row that records it. */
  record Entry(Table table, Tid catalogRow) {}

  /**
   * An uncommitted create, change (an index added or dropped) or drop: by which transaction (top
   * id) and which (sub)xid wrote it, what the transaction saw before it (an earlier change of the
   * same table in the same transaction, possibly in a savepoint rolled back since), and which new
   * relations it created (dropped again unless the transaction commits with them in use).
   */
  record Pending(Entry entry, long topXid, long writerXid, boolean isDrop, Pending previous, List<Integer> created) {}

  private final Heap heap;
  private final BufferPool pool;
  private final TransactionManager transactions;

  // guarded by this
  private final Map<String, Entry> committed = new HashMap<>();
  // guarded by this
  private final Map<String, Pending> pending = new HashMap<>();
  private final AtomicInteger nextRelation = new AtomicInteger(PageId.FIRST_USER_RELATION);
  /** Bumped by every create, alter and drop, and when a transaction with DDL ends: cached plans check it. */
  private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

  /** Marks the catalog changed (a savepoint rollback may have undone a transaction's own DDL). */
  void touch() {
    version.incrementAndGet();
  }

  /** Changes whenever what any transaction sees of the catalog may have changed. */
  long version() {
    return version.get();
  }

  Catalog(Heap heap, BufferPool pool, TransactionManager transactions) {
    this.heap = heap;
    this.pool = pool;
    this.transactions = transactions;
  }

  /** Creates the catalog relation on a new database, or loads the committed tables. */
  void load() {
    if (!pool.relationExists(SystemRelations.CATALOG_TABLES)) {
      pool.createRelation(SystemRelations.CATALOG_TABLES);
      return;
    }
    Transaction reader = transactions.begin(dev.parallax.txn.IsolationLevel.READ_COMMITTED, true);
    try {
      HeapScan scan = heap.scan(SystemRelations.CATALOG_TABLES, reader.statementSnapshot(), reader);
      int maxRelation = PageId.FIRST_USER_RELATION - 1;
      while (scan.hasNext()) {
        HeapTuple t = scan.next();
        Table table = decode(t.values(ROW_TYPES));
        synchronized (this) {
          committed.put(table.name(), new Entry(table, t.tid()));
        }
        for (int r : table.relations()) {
          maxRelation = Math.max(maxRelation, r);
        }
      }
      nextRelation.set(maxRelation + 1);
    } finally {
      reader.commit();
    }
  }

  /** The table named {@code name} as the transaction {@code tx} sees it, if any. */
  synchronized Optional<Table> lookup(String name, Transaction tx) {
    Pending p = ownVisible(pending.get(name), tx);
    if (p != null) {
      return p.isDrop() ? Optional.empty() : Optional.of(p.entry().table());
    }
    Entry e = committed.get(name);
    return e == null ? Optional.empty() : Optional.of(e.table());
  }

  /** The newest of {@code tx}'s pending changes in the chain that no savepoint rollback undid. */
  private static Pending ownVisible(Pending p, Transaction tx) {
    if (p == null || tx == null || tx.topXid() == 0 || p.topXid() != tx.topXid()) {
      return null;
    }
    for (Pending q = p; q != null; q = q.previous()) {
      if (tx.isCurrentXid(q.writerXid())) {
        return q;
      }
    }
    return null;
  }

  /** The table with the index named {@code indexName}, as {@code tx} sees the catalog. */
  synchronized Optional<Table> tableOfIndex(String indexName, Transaction tx) {
    for (String name : allNames()) {
      Optional<Table> t = lookup(name, tx);
      if (t.isPresent() && t.get().index(indexName).isPresent()) {
        return t;
      }
    }
    return Optional.empty();
  }

  /** Every table the transaction sees, by name. */
  synchronized List<Table> tables(Transaction tx) {
    List<Table> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(allNames())) {
      lookup(name, tx).ifPresent(out::add);
    }
    return out;
  }

  private List<String> allNames() {
    List<String> names = new ArrayList<>(committed.keySet());
    names.addAll(pending.keySet());
    return names;
  }

  Table create(String name, List<Column> columns, Transaction tx) {
    return create(name, columns, List.of(), tx);
  }

  /** Creates the table with {@code checks} already named and validated ({@link CheckDdl#define}). */
  Table create(String name, List<Column> columns, List<CheckConstraint> checks, Transaction tx) {
    Identifiers.check(name, "table");
    if (columns.isEmpty()) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, "table \"" + name + "\" must have at least one column");
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Column c : columns) {
      if (!seen.add(c.name())) {
        throw new DatabaseException(SqlState.DUPLICATE_COLUMN, "column \"" + c.name() + "\" specified more than once");
      }
    }
    while (true) {
      long waitFor;
      synchronized (this) {
        waitFor = conflictingWriter(name, tx);
        if (waitFor == 0) {
          if (lookup(name, tx).isPresent()) {
            throw new DatabaseException(SqlState.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
          }
          int relation = allocateRelation();
          Table table = new Table(name, relation, columns, List.of(), checks);
          pool.createRelation(relation);
          long writer = tx.xidForWrite();
          Tid row = heap.insert(SystemRelations.CATALOG_TABLES, tx, encode(table));
          Pending before = ownOrNull(name, tx);
          pending.put(name, new Pending(new Entry(table, row), tx.topXid(), writer, false, before, List.of(relation)));
          version.incrementAndGet();
          return table;
        }
      }
      transactions.waitForEnd(tx, waitFor);
    }
  }

  /** Marks the table dropped in {@code tx}; its file is removed when tx commits. */
  Table drop(String name, Transaction tx) {
    while (true) {
      long waitFor;
      synchronized (this) {
        waitFor = conflictingWriter(name, tx);
        if (waitFor == 0) {
          Optional<Table> table = lookup(name, tx);
          if (table.isEmpty()) {
            throw new DatabaseException(SqlState.UNDEFINED_TABLE, "table \"" + name + "\" does not exist");
          }
          Pending own = ownVisible(pending.get(name), tx);
          Entry entry = own != null ? own.entry() : committed.get(name);
          long writer = tx.xidForWrite();
          var result = heap.delete(SystemRelations.CATALOG_TABLES, entry.catalogRow(), tx);
          if (result.code() != dev.parallax.mvcc.HeapResult.Code.OK) {
            throw new DatabaseException(SqlState.OBJECT_IN_USE,
                "could not drop table \"" + name + "\": its catalog row is " + result.code());
          }
          pending.put(name, new Pending(entry, tx.topXid(), writer, true, ownOrNull(name, tx), List.of()));
          version.incrementAndGet();
          return table.get();
        }
      }
      transactions.waitForEnd(tx, waitFor);
    }
  }

  /**
   * Changes table {@code name} in {@code tx} (adds or removes an index): {@code change} gets the
   * table as tx sees it, under the catalog's monitor after any other DDL on it has ended, and
   * returns the new definition plus the relations it created. The catalog row is updated like any
   * row, so the change commits or rolls back with tx.
   */
  Table alter(String name, Transaction tx, java.util.function.Function<Table, Change> change) {
    while (true) {
      long waitFor;
      synchronized (this) {
        waitFor = conflictingWriter(name, tx);
        if (waitFor == 0) {
          Table current = lookup(name, tx).orElseThrow(() ->
              new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist"));
          Pending own = ownVisible(pending.get(name), tx);
          Entry entry = own != null ? own.entry() : committed.get(name);
          Change c = change.apply(current);
          long writer = tx.xidForWrite();
          var result = heap.update(SystemRelations.CATALOG_TABLES, entry.catalogRow(), encode(c.table()), tx);
          if (result.code() != dev.parallax.mvcc.HeapResult.Code.OK) {
            throw new DatabaseException(SqlState.OBJECT_IN_USE,
                "could not alter table \"" + name + "\": its catalog row is " + result.code());
          }
          pending.put(name, new Pending(new Entry(c.table(), result.newTid()), tx.topXid(), writer, false,
              ownOrNull(name, tx), c.created()));
          version.incrementAndGet();
          return c.table();
        }
      }
      transactions.waitForEnd(tx, waitFor);
    }
  }

  /** What {@link #alter} makes of a table: its new definition and the relations created for it. */
  record Change(Table table, List<Integer> created) {}

  /** Allocates a relation number for a new index (its file is created by the index build). */
  int newRelation() {
    return allocateRelation();
  }

  /** The transaction's chain of pending changes of {@code name} (rolled-back parts included), or null. */
  private Pending ownOrNull(String name, Transaction tx) {
    Pending p = pending.get(name);
    return p != null && tx.topXid() != 0 && p.topXid() == tx.topXid() ? p : null;
  }

  /** The xid of another transaction with an uncommitted create or drop of {@code name}, or 0. */
  private long conflictingWriter(String name, Transaction tx) {
    Pending p = pending.get(name);
    if (p == null) {
      return 0;
    }
    if (tx.topXid() != 0 && p.topXid() == tx.topXid()) {
      return 0; // our own; lookups skip the parts a savepoint rollback undid
    }
    if (!transactions.status().isInProgress(p.topXid())) {
      pending.remove(name); // a writer that ended without telling us (cannot happen; be safe)
      return 0;
    }
    return p.topXid();
  }

  private int allocateRelation() {
    int r;
    do {
      r = nextRelation.getAndIncrement();
    } while (pool.relationExists(r));
    return r;
  }

  /**
   * The DDL effects of {@code tx} that survive if it commits now. Called before commit (while
   * {@link Transaction#isCurrentXid} still distinguishes rolled-back savepoints).
   */
  synchronized List<Pending> effectsOf(Transaction tx) {
    List<Pending> out = new ArrayList<>();
    if (tx.topXid() == 0) {
      return out;
    }
    for (Pending p : pending.values()) {
      Pending effective = ownVisible(p, tx);
      if (effective != null) {
        out.add(effective);
      }
    }
    return out;
  }

  /** Publishes the committed effects and forgets all pending entries of the ended transaction. */
  /**
   * Publishes the committed effects and forgets all pending entries of the ended transaction.
   * Relations are dropped when the transaction created them and the outcome does not use them
   * (a rollback, or an index created and dropped again), or when a committed drop released them.
   */
  void transactionEnded(long topXid, List<Pending> committedEffects) {
    java.util.Set<Integer> toDrop = new java.util.TreeSet<>();
    synchronized (this) {
      for (Pending p : pending.values()) {
        for (Pending q = p; q != null; q = q.previous()) {
          if (q.topXid() == topXid) {
            toDrop.addAll(q.created());
          }
        }
      }
      if (pending.values().removeIf(p -> p.topXid() == topXid) || !committedEffects.isEmpty()) {
        version.incrementAndGet();
      }
      for (Pending p : committedEffects) {
        String name = p.entry().table().name();
        Entry before = committed.get(name);
        if (before != null) {
          toDrop.addAll(before.table().relations());
        }
        if (p.isDrop()) {
          committed.remove(name);
        } else {
          committed.put(name, p.entry());
        }
      }
      for (Entry e : committed.values()) {
        toDrop.removeAll(e.table().relations());
      }
    }
    for (int relation : toDrop) {
      if (pool.relationExists(relation)) {
        heap.dropRelation(relation); // with its visibility map, if it is a heap that has one
      }
      if (dropListener != null) {
        dropListener.accept(relation);
      }
    }
  }

  private volatile java.util.function.IntConsumer dropListener;

  /** Told of every relation dropped (the database forgets its open index trees). */
  void onRelationDropped(java.util.function.IntConsumer listener) {
    this.dropListener = listener;
  }

  private static byte[] encode(Table table) {
    StringBuilder cols = new StringBuilder();
    for (Column c : table.columns()) {
      if (cols.length() > 0) {
        cols.append('\u0002');
      }
      cols.append(c.name()).append('\u0001').append(c.type().name()).append('\u0001').append(c.notNull());
    }
    StringBuilder idx = new StringBuilder();
    for (Index i : table.indexes()) {
      if (idx.length() > 0) {
        idx.append('\u0002');
      }
      idx.append(i.name()).append('\u0001').append(i.relation()).append('\u0001').append(i.unique())
          .append('\u0001').append(i.primaryKey()).append('\u0001').append(String.join("\u0003", i.columns()));
    }
    return RowCodec.encode(ROW_TYPES, new Object[] {table.relation(), table.name(), cols.toString(), idx.toString(),
        ConstraintCodec.encode(table)});
  }

  private static Table decode(Object[] row) {
    List<Column> columns = new ArrayList<>();
    for (String c : ((String) row[2]).split("\u0002")) {
      String[] parts = c.split("\u0001");
      columns.add(new Column(parts[0], ColumnType.valueOf(parts[1]), Boolean.parseBoolean(parts[2])));
    }
    List<Index> indexes = new ArrayList<>();
    String idx = row.length > 3 ? (String) row[3] : null;
    if (idx != null && !idx.isEmpty()) {
      for (String i : idx.split("\u0002")) {
        String[] parts = i.split("\u0001");
        indexes.add(new Index(parts[0], Integer.parseInt(parts[1]), List.of(parts[4].split("\u0003")),
            Boolean.parseBoolean(parts[2]), Boolean.parseBoolean(parts[3])));
      }
    }
    ConstraintCodec.Decoded rules = ConstraintCodec.decode((String) row[1], columns, row.length > 4 ? (byte[]) row[4] : null);
    return new Table((String) row[1], (Integer) row[0], rules.columns(), indexes, rules.checks());
  }
}
