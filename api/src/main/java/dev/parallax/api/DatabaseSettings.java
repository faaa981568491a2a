package dev.parallax.api;

import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.IsolationLevel;

/**
 * Settings of one open database.
 *
 * @param storage buffer pool size, log segment size, checkpoint interval, asynchronous commit
 * @param defaultIsolation isolation of transactions started implicitly or by {@link Session#begin()}
 * @param autovacuumIntervalMillis how often the background vacuum looks at dead fractions (0 = off)
 * @param autovacuumDeadFraction vacuum a table when this fraction of its versions is dead
 */
public record DatabaseSettings(
    StorageSettings storage,
    IsolationLevel defaultIsolation,
    long autovacuumIntervalMillis,
    double autovacuumDeadFraction) {

  public static DatabaseSettings defaults() {
    return new DatabaseSettings(StorageSettings.defaults(), IsolationLevel.READ_COMMITTED, 10_000, 0.2);
  }

  public DatabaseSettings withStorage(StorageSettings s) {
    return new DatabaseSettings(s, defaultIsolation, autovacuumIntervalMillis, autovacuumDeadFraction);
  }

  public DatabaseSettings withAutovacuumIntervalMillis(long millis) {
    return new DatabaseSettings(storage, defaultIsolation, millis, autovacuumDeadFraction);
  }
}
