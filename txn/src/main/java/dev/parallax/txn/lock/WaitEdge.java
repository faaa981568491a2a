package dev.parallax.txn.lock;

/**
 * One edge of a wait-for cycle: {@code waiter} waits for {@code mode} on {@code tag} and is blocked
 * by {@code blocker}'s lock group, either holding a conflicting mode (hard) or queued ahead with a
 * conflicting request (soft).
 */
public record WaitEdge(String waiter, String waiterGroup, LockMode mode, LockTag tag, String blocker, boolean soft) {
  @Override
  public String toString() {
    return waiter + (waiter.equals(waiterGroup) ? "" : " (in the lock group of " + waiterGroup + ")") + " waits for "
        + mode.displayName() + " on " + tag + (soft ? "; queued behind " : "; blocked by ") + blocker + ".";
  }
}
