package dev.parallax.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The on-disk engine: relation files under {@code base/}, the log under {@code wal/}, the control
 * file, a background checkpointer.
 *
 * <p>A checkpoint: take the redo start (under the log's insert lock, see {@link FileWal}), write
 * every dirty page, fsync the relation files, append and flush the checkpoint record (redo start
 * plus the upper layers' extra bytes), point the control file at it, delete segments wholly before
 * the redo start. A crash anywhere in between leaves the previous checkpoint in force.
 */
final class FileStorageEngine implements StorageEngine {
  private final java.util.List<java.util.function.Consumer<RecoveryResult>> recoveryListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Path dir;
  private final StorageSettings settings;
  private final FilePageStore store;
  private final ClockBufferPool pool;
  private final FileWal wal;
  private final FreeSpaceMap fsm = new ConcurrentFreeSpaceMap();
  private final RedoHandler[] handlers = new RedoHandler[ResourceManagers.MAX];
  private volatile Supplier<byte[]> extra = () -> new byte[0];
  private final Object checkpointLock = new Object();
  private Thread checkpointer;
  private volatile boolean recovered;
  private volatile boolean closed;

  private FileStorageEngine(Path dir, StorageSettings settings) {
    this.dir = dir;
    this.settings = settings;
    this.store = new FilePageStore(dir);
    this.pool = new ClockBufferPool(settings.bufferPoolPages(), store);
    this.wal = new FileWal(dir, settings);
    pool.setLog(wal);
  }

  static FileStorageEngine open(Path dir, StorageSettings settings) {
    return new FileStorageEngine(dir, settings);
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
  public void registerRedo(int resourceManager, RedoHandler handler) {
    handlers[resourceManager] = handler;
  }

  @Override
  public void onRecovered(java.util.function.Consumer<RecoveryResult> listener) {
    recoveryListeners.add(listener);
  }

  @Override
  public void setCheckpointExtra(Supplier<byte[]> extra) {
    this.extra = extra;
  }

  @Override
  public RecoveryResult recover() {
    if (recovered) {
      throw new IllegalStateException("recover() runs once");
    }
    RecoveryResult result = new Recovery(wal, pool, handlers).run(ControlFile.read(dir));
    recovered = true;
    recoveryListeners.forEach(l -> l.accept(result));
    checkpoint();
    if (settings.checkpointIntervalMillis() > 0) {
      checkpointer = new Thread(this::checkpointLoop, "parallax-checkpointer");
      checkpointer.setDaemon(true);
      checkpointer.start();
    }
    return result;
  }

  private void checkpointLoop() {
    while (!closed) {
      try {
        Thread.sleep(settings.checkpointIntervalMillis());
      } catch (InterruptedException e) {
        return;
      }
      if (closed) {
        return;
      }
      try {
        checkpoint();
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        // The next attempt retries; the previous checkpoint stays valid meanwhile.
      }
    }
  }

  @Override
  public void checkpoint() {
    synchronized (checkpointLock) {
      if (!recovered || closed) {
        return;
      }
      long redo = wal.beginCheckpoint();
      pool.flushAll();
      store.sync();
      byte[] more = extra.get();
      ByteBuffer payload = ByteBuffer.allocate(8 + more.length).order(ByteOrder.LITTLE_ENDIAN);
      payload.putLong(redo).put(more);
      long at = wal.appendReturningStart(ResourceManagers.STORAGE, StorageRecords.CHECKPOINT, 0, payload.array());
      wal.flush(wal.insertPosition());
      new ControlFile(at, redo).write(dir);
      wal.removeSegmentsBefore(redo);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (recovered) {
      checkpoint();
    }
    closed = true;
    stopCheckpointer();
    wal.close();
    store.close();
  }

  /** Simulates a crash: stops background threads and closes files without writing pages or a checkpoint. */
  void crashForTesting() {
    closed = true;
    stopCheckpointer();
    wal.abandon();
    store.close();
  }

  private void stopCheckpointer() {
    if (checkpointer != null) {
      checkpointer.interrupt();
      synchronized (checkpointLock) {
        // wait for a running checkpoint to finish before files close
      }
    }
  }

  ClockBufferPool pool() {
    return pool;
  }
}
