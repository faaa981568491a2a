package dev.parallax.storage;

/** Test access to the file engine's simulated crash, for tests in other packages of this module. */
public final class StorageTesting {
  private StorageTesting() {}

  /** Stops the engine as a crash would: no page write-back, no checkpoint; the log keeps what was flushed. */
  public static void crash(StorageEngine e) {
    ((FileStorageEngine) e).crashForTesting();
  }
}
