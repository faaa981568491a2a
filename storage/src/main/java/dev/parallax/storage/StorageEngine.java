package dev.parallax.storage;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The storage layer as one object: buffer pool, write-ahead log, free-space map, checkpoints and
 * recovery. Two implementations share these interfaces: files in a directory, and memory only
 * (for fast tests and {@code Database.inMemory()}; its log keeps positions but no bytes, its
 * flush returns at once, and it has nothing to recover).
 *
 * <p>Start-up order: create, {@link #registerRedo} for every resource manager, {@link #recover},
 * then use. {@link #close()} takes a final checkpoint.
 */
public interface StorageEngine extends AutoCloseable {
  static StorageEngine open(Path directory, StorageSettings settings) {
    return FileStorageEngine.open(directory, settings);
  }

  static StorageEngine inMemory(StorageSettings settings) {
    return MemoryStorageEngine.create(settings);
  }

  BufferPool bufferPool();

  WriteAheadLog wal();

  FreeSpaceMap freeSpace();

  StorageSettings settings();

  /** Registers the replay function of a resource manager; before {@link #recover()}. */
  void registerRedo(int resourceManager, RedoHandler handler);

  /** Bytes the upper layers want saved in every checkpoint record (e.g. the next transaction id). */
  void setCheckpointExtra(Supplier<byte[]> extra);

  /**
   * Runs {@code listener} inside {@link #recover}, after replay and before the end-of-recovery
   * checkpoint and the periodic checkpointer start. Owners of checkpoint extras restore their
   * state here, so that the first checkpoint after recovery records it rather than a blank.
   */
  void onRecovered(java.util.function.Consumer<RecoveryResult> listener);

  /** Replays the log from the last checkpoint. Call once, after registering handlers. */
  RecoveryResult recover();

  /** Writes all dirty pages and a checkpoint record; recycles segments no longer needed. */
  void checkpoint();

  /** Checkpoint, stop background threads, close files. */
  @Override
  void close();
}
