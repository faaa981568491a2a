package dev.parallax.mvcc;

import dev.parallax.storage.CrashForTests;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.TransactionManager;
import java.nio.file.Path;

/**
 * An engine (in memory, or on disk for crash tests) with the real transaction manager and a heap,
 * wired like the api does.
 */
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
    this(StorageEngine.inMemory(settings));
  }

  private HeapFixture(StorageEngine engine) {
    storage = engine;
    tm = new TransactionManager(storage);
    heap = new Heap(storage, tm.status());
    tm.afterRecovery(storage.recover());
    storage.bufferPool().createRelation(REL);
  }

  /** Opens (and recovers) a file engine in {@code dir}; creates {@link #REL} if it is new. */
  static HeapFixture onDisk(Path dir, StorageSettings settings) {
    return new HeapFixture(StorageEngine.open(dir, settings.withCheckpointIntervalMillis(0)));
  }

  /** Simulates a crash of an on-disk fixture: unflushed log records and unwritten pages are lost. */
  void crash() {
    CrashForTests.crash(storage);
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
