package dev.parallax.storage;

/**
 * Test access to {@code FileStorageEngine.crashForTesting()} (package-private in storage) for the
 * mvcc module's crash tests: stops the engine as a crash would, without writing dirty pages or a
 * checkpoint, and discards log records not yet flushed.
 */
public final class CrashForTests {
  private CrashForTests() {}

  public static void crash(StorageEngine engine) {
    ((FileStorageEngine) engine).crashForTesting();
  }
}
