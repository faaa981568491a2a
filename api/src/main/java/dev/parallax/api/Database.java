package dev.parallax.api;

import dev.parallax.mvcc.Heap;
import dev.parallax.mvcc.HeapVersions;
import dev.parallax.storage.btree.BTree;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.RecoveryResult;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.SystemRelations;
import dev.parallax.txn.TransactionManager;
import dev.parallax.txn.lock.LockInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An open Parallax database: the entry point of the embedded API.
 *
 * <pre>{@code
 * try (Database db = Database.open(Path.of("data"));
 *      Session s = db.openSession()) {
 *   s.createTable("accounts", Column.notNull("id", ColumnType.BIGINT), Column.of("balance", ColumnType.BIGINT));
 *   s.begin(IsolationLevel.REPEATABLE_READ);
 *   RowId id = s.insert("accounts", 1L, 100L);
 *   s.commit();
 * }
 * }</pre>
 *
 * <p>Opening wires the layers bottom-up (storage, transactions, heap), registers every redo
 * handler, replays the write-ahead log (crash recovery needs no undo: a transaction without a
 * commit record is aborted), then loads the catalog. A directory is opened by one process at a time
 * (an OS file lock, released by the OS even after {@code kill -9}). {@link #close()} closes every
 * session, rolling back open transactions, and takes a checkpoint.
 */
public final class Database implements AutoCloseable {
  private final StorageEngine storage;
  private final TransactionManager transactions;
  private final Heap heap;
  private final Catalog catalog;
  private final DatabaseSettings settings;
  private final FileLock directoryLock;
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final Autovacuum autovacuum;
  private final RecoveryResult recovery;
  private final Object vacuumLock = new Object();
  private final HeapVersions versions;
  /** Open index trees by relation; a tree object is only a handle (root cache, unique stripes). */
  private final Map<Integer, BTree> indexTrees = new ConcurrentHashMap<>();
  private final Analyze.Registry statistics = new Analyze.Registry();
  private volatile boolean closed;

  private Database(StorageEngine storage, DatabaseSettings settings, FileLock directoryLock) {
    this.storage = storage;
    this.settings = settings;
    this.directoryLock = directoryLock;
    this.transactions = new TransactionManager(storage);
    this.heap = new Heap(storage, transactions.status());
    dev.parallax.storage.btree.BTreeRedo btreeRedo = BTree.registerRedo(storage);
    this.recovery = storage.recover();
    transactions.afterRecovery(recovery);
    heap.setPruneHorizon(transactions::oldestXmin); // page pruning on access (HOT chains), vacuum's horizon
    this.versions = new HeapVersions(storage.bufferPool(), heap.visibility());
    this.catalog = new Catalog(heap, storage.bufferPool(), transactions);
    catalog.onRelationDropped(indexTrees::remove);
    catalog.load();
    // Splits a crash left without their downlink: searchable as they are, finished now.
    for (dev.parallax.storage.PageId split : btreeRedo.incompleteSplits()) {
      if (storage.bufferPool().relationExists(split.relation())) {
        indexTrees.computeIfAbsent(split.relation(), r -> BTree.open(storage.bufferPool(), storage.wal(), r))
            .finishIncompleteSplit(split.block());
      }
    }
    this.autovacuum = new Autovacuum(this, settings);
    autovacuum.start();
    // JSqlParser's first parse takes hundreds of milliseconds: pay it now, off the caller's thread
    Thread warm = new Thread(dev.parallax.sql.SqlFrontEnd::warmUp, "parallax-sql-warm-up");
    warm.setDaemon(true);
    warm.start();
  }

  /** Opens (creating if needed) the database in {@code directory}, recovering it after a crash. */
  public static Database open(Path directory) {
    return open(directory, DatabaseSettings.defaults());
  }

  public static Database open(Path directory, DatabaseSettings settings) {
    FileLock lock = lockDirectory(directory);
    try {
      return new Database(StorageEngine.open(directory, settings.storage()), settings, lock);
    } catch (RuntimeException e) {
      releaseQuietly(lock);
      throw e;
    }
  }

  /** A database that lives in memory only: same engine, no files, nothing survives close. */
  public static Database inMemory() {
    return inMemory(DatabaseSettings.defaults());
  }

  public static Database inMemory(DatabaseSettings settings) {
    return new Database(StorageEngine.inMemory(settings.storage()), settings, null);
  }

  private static FileLock lockDirectory(Path directory) {
    try {
      Files.createDirectories(directory);
      FileChannel ch = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // this JVM already has it open
      }
      if (lock == null) {
        ch.close();
        throw new DatabaseException(SqlState.OBJECT_IN_USE,
            "database directory \"" + directory + "\" is in use by another process");
      }
      return lock;
    } catch (IOException e) {
      throw new DatabaseException(SqlState.IO_ERROR, "could not open database directory \"" + directory + "\": " + e.getMessage(), e);
    }
  }

  private static void releaseQuietly(FileLock lock) {
    if (lock == null) {
      return;
    }
    try {
      lock.release();
      lock.channel().close();
    } catch (IOException e) {
      // Closing a lock file can only fail if the OS already released it; nothing to undo.
    }
  }

  /** A new session (one transaction at a time, used by one thread at a time). */
  public Session openSession() {
    checkOpen();
    Session s = new Session(this);
    sessions.add(s);
    return s;
  }

  /**
   * Every held and awaited lock (like pg_locks): relation locks (fast-path ones marked), tuple
   * locks, transaction-id locks. Owners are named "transaction N" once they have an id.
   */
  public List<LockInfo> locks() {
    checkOpen();
    return transactions.locks().locks();
  }

  /** Removes dead row versions from every table, freezes old ones and trims the commit log. */
  public VacuumReport vacuum() {
    checkOpen();
    return Vacuum.run(this, null, true);
  }

  /**
   * Verifies every index: its tree's structure and its agreement with the table's row versions
   * (see {@link DatabaseCheck}). Run it on a quiet database for a verdict.
   */
  public CheckReport check() {
    checkOpen();
    return DatabaseCheck.run(this);
  }

  /** Writes every dirty page and a checkpoint record. */
  public void checkpoint() {
    checkOpen();
    storage.checkpoint();
  }

  /** Write-ahead-log counters (records, fsyncs, full-page images) since open. */
  public dev.parallax.storage.WalStats walStats() {
    return storage.wal().stats();
  }

  /** What recovery did when this database was opened. */
  public RecoveryResult recoveryResult() {
    return recovery;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    autovacuum.stop();
    for (Session s : sessions) {
      s.closeFromDatabase();
    }
    sessions.clear();
    storage.close();
    releaseQuietly(directoryLock);
  }

  public boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new DatabaseException(SqlState.CONNECTION_DOES_NOT_EXIST, "database is closed");
    }
  }

  void sessionClosed(Session s) {
    sessions.remove(s);
  }

  StorageEngine storage() {
    return storage;
  }

  TransactionManager transactions() {
    return transactions;
  }

  Object vacuumLock() {
    return vacuumLock;
  }

  /** The planner statistics ANALYZE gathered, per relation. */
  Analyze.Registry statistics() {
    return statistics;
  }

  Heap heap() {
    return heap;
  }

  Catalog catalog() {
    return catalog;
  }

  HeapVersions versions() {
    return versions;
  }

  /** The tree of {@code index}, opened on first use. */
  BTree tree(Index index) {
    return indexTrees.computeIfAbsent(index.relation(), r -> BTree.open(storage.bufferPool(), storage.wal(), r));
  }

  /** The tree of the index in {@code relation} (for plans, which name indexes by relation). */
  BTree tree(int relation) {
    return indexTrees.computeIfAbsent(relation, r -> BTree.open(storage.bufferPool(), storage.wal(), r));
  }

  /** Registers a tree just built (so the first user does not re-read its metapage). */
  void treeBuilt(BTree tree) {
    indexTrees.put(tree.relation(), tree);
  }

  static int catalogRelation() {
    return SystemRelations.CATALOG_TABLES;
  }
}
