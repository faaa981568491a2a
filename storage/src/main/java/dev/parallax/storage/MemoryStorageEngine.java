package dev.parallax.storage;

import java.util.function.Supplier;

/**
 * The in-memory engine: the same buffer pool (frames evict into byte arrays instead of files), a
 * log that only counts positions, nothing to recover. Used by fast tests and
 * {@code Database.inMemory()}.
 */
final class MemoryStorageEngine implements StorageEngine {
  private final java.util.List<java.util.function.Consumer<RecoveryResult>> recoveryListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final StorageSettings settings;
  private final ClockBufferPool pool;
  private final MemoryWal wal = new MemoryWal();
  private final FreeSpaceMap fsm = new ConcurrentFreeSpaceMap();

  private MemoryStorageEngine(StorageSettings settings) {
    this.settings = settings;
    this.pool = new ClockBufferPool(settings.bufferPoolPages(), new MemoryPageStore());
    pool.setLog(wal);
  }

  static MemoryStorageEngine create(StorageSettings settings) {
    return new MemoryStorageEngine(settings);
  }

  @Override
  public BufferPool bufferPool() {
    return pool;
  }

  @Override
  public WriteAheadLog wal() {
    return wal;
  }

  @Override
  public FreeSpaceMap freeSpace() {
    return fsm;
  }

  @Override
  public StorageSettings settings() {
    return settings;
  }

  @Override
  public void registerRedo(int resourceManager, RedoHandler handler) {}

  @Override
  public void setCheckpointExtra(Supplier<byte[]> extra) {}

  @Override
  public RecoveryResult recover() {
    RecoveryResult result = new RecoveryResult(new byte[0], 0, 0, false);
    recoveryListeners.forEach(l -> l.accept(result));
    return result;
  }

  @Override
  public void onRecovered(java.util.function.Consumer<RecoveryResult> listener) {
    recoveryListeners.add(listener);
  }

  @Override
  public void checkpoint() {}

  @Override
  public void close() {
    pool.store().close();
  }
}
