package dev.parallax.mvcc;

import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.TransactionManager;

/** An in-memory engine with the real transaction manager and a heap, wired like the api does. */
final class HeapFixture implements AutoCloseable {
  static final int REL = 1000;
  static final ColumnType[] TYPES = {ColumnType.BIGINT, ColumnType.TEXT};

  final StorageEngine storage;
  final TransactionManager tm;
  final Heap heap;

  HeapFixture() {
    this(StorageSettings.defaults().withBufferPoolPages(2048));
  }

  HeapFixture(StorageSettings settings) {
    storage = StorageEngine.inMemory(settings);
    tm = new TransactionManager(storage);
    heap = new Heap(storage, tm.status());
    tm.afterRecovery(storage.recover());
    storage.bufferPool().createRelation(REL);
  }

  Transaction begin(IsolationLevel level) {
    return tm.begin(level, false);
  }

  Transaction rc() {
    return begin(IsolationLevel.READ_COMMITTED);
  }

  static byte[] row(long id, String text) {
    return RowCodec.encode(TYPES, new Object[] {id, text});
  }

  static long id(HeapTuple t) {
    return (Long) t.value(TYPES, 0);
  }

  static String text(HeapTuple t) {
    return (String) t.value(TYPES, 1);
  }

  @Override
  public void close() {
    storage.close();
  }
}
