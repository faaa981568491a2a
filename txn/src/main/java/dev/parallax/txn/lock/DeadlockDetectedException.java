package dev.parallax.txn.lock;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A lock wait closed a cycle of waits (SQLSTATE 40P01). The message names every edge of the
 * cycle; {@link #cycle()} has them as values and {@link #lockTableAtDetection()} the part of
 * the shared lock table the detector examined (every lock with a waiter, holders and queue) as it
 * saw it, for tools that explain waits.
 */
public final class DeadlockDetectedException extends DatabaseException {
  private final transient List<WaitEdge> cycle;
  private final transient List<LockInfo> lockTable;

  public DeadlockDetectedException(List<WaitEdge> cycle, List<LockInfo> lockTableAtDetection) {
    super(SqlState.DEADLOCK_DETECTED, "deadlock detected\n"
        + cycle.stream().map(WaitEdge::toString).collect(Collectors.joining("\n")));
    this.cycle = List.copyOf(cycle);
    this.lockTable = List.copyOf(lockTableAtDetection);
  }

  public List<WaitEdge> cycle() {
    return cycle;
  }

  public List<LockInfo> lockTableAtDetection() {
    return lockTable;
  }
}
