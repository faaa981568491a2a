package dev.parallax.txn.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers for lock tests: requests on their own threads, and waiting until someone is blocked. */
final class LockTestSupport {
  private LockTestSupport() {}

  /** Runs {@code request} on a new thread; the future completes with its result or its exception. */
  static CompletableFuture<Boolean> async(String name, java.util.concurrent.Callable<Boolean> request) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(request.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return f;
  }

  /**
   * Starts {@code threads}, opens {@code start} for them, waits for them and checks that none hangs
   * (30 s each), that none reported a failure, and that the table is empty once every owner has been
   * retired. The seed goes into every message, for re-running.
   */
  static void runToEnd(LockManager lm, List<Thread> threads, CountDownLatch start, Collection<String> failures,
      List<LockOwner> owners, long seed) throws InterruptedException {
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      assertFalse(t.isAlive(), t.getName() + " hangs; seed " + seed + "; locks " + lm.locks());
    }
    assertEquals(List.of(), List.copyOf(failures), "seed " + seed);
    for (LockOwner o : owners) {
      lm.retire(o);
    }
    assertTrue(lm.isEmpty(), "left over: " + lm.locks());
  }

  /** Blocks until {@code owner} is queued in the lock table (at most 10 s). */
  static void awaitWaiting(LockOwner owner) {
    awaitTrue(() -> owner.waiting != null, owner.name() + " never started waiting");
  }

  static void awaitTrue(BooleanSupplier condition, String message) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(message);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** The cause of a failed future, or null if it completed normally within 10 s. */
  static Throwable failureOf(CompletableFuture<Boolean> f) {
    try {
      f.get(10, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("request did not finish", e);
    }
  }
}
