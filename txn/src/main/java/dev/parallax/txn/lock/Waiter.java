package dev.parallax.txn.lock;

import java.util.concurrent.locks.LockSupport;

/**
 * One blocked request in a lock's queue. Its state moves from WAITING to GRANTED (by whoever
 * releases or rearranges, under the entry latch) or to REMOVED (by the waiter itself, or by
 * the deadlock detector choosing it as victim). The waiting thread parks and re-reads the state.
 */
final class Waiter {
  static final int WAITING = 0;
  static final int GRANTED = 1;
  static final int REMOVED = 2;

  final LockOwner owner;
  final LockMode mode;
  final LockEntry entry;
  final Thread thread;
  final long waitStartNanos;
  volatile int state = WAITING;

  Waiter(LockOwner owner, LockMode mode, LockEntry entry) {
    this.owner = owner;
    this.mode = mode;
    this.entry = entry;
    this.thread = Thread.currentThread();
    this.waitStartNanos = System.nanoTime();
  }

  void wake() {
    LockSupport.unpark(thread);
  }

  @Override
  public String toString() {
    return owner.name() + " waiting for " + mode.displayName() + " on " + entry.tag;
  }
}
