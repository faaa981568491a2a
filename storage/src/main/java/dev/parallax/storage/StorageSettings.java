package dev.parallax.storage;

/**
 * Settings of the storage layer.
 *
 * @param bufferPoolPages number of 8 KiB frames
 * @param walSegmentBytes size of one log segment file
 * @param checkpointIntervalMillis time between periodic checkpoints (0 = only on demand / close)
 * @param asynchronousCommit acknowledge commits before their record is durable
 * @param walWriterDelayMillis with asynchronous commit: the longest a commit stays only in memory
 */
public record StorageSettings(
    int bufferPoolPages,
    int walSegmentBytes,
    long checkpointIntervalMillis,
    boolean asynchronousCommit,
    long walWriterDelayMillis) {

  public static StorageSettings defaults() {
    return new StorageSettings(16_384, 16 << 20, 30_000, false, 200);
  }

  public StorageSettings withBufferPoolPages(int pages) {
    return new StorageSettings(pages, walSegmentBytes, checkpointIntervalMillis, asynchronousCommit, walWriterDelayMillis);
  }

  public StorageSettings withCheckpointIntervalMillis(long millis) {
    return new StorageSettings(bufferPoolPages, walSegmentBytes, millis, asynchronousCommit, walWriterDelayMillis);
  }

  public StorageSettings withAsynchronousCommit(boolean async) {
    return new StorageSettings(bufferPoolPages, walSegmentBytes, checkpointIntervalMillis, async, walWriterDelayMillis);
  }

  public StorageSettings withWalSegmentBytes(int bytes) {
    return new StorageSettings(bufferPoolPages, bytes, checkpointIntervalMillis, asynchronousCommit, walWriterDelayMillis);
  }
}
