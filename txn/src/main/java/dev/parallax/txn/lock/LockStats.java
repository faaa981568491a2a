package dev.parallax.txn.lock;

/**
 * Counters of the lock manager since start.
 *
 * @param waits requests that had to queue
 * @param deadlocks requests that failed with 40P01
 * @param lockTimeouts requests that failed at their lock timeout
 * @param detectorRuns deadlock checks run
 */
public record LockStats(long waits, long deadlocks, long lockTimeouts, long detectorRuns) {}
