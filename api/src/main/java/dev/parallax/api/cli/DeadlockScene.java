package dev.parallax.api.cli;

import dev.parallax.api.Database;
import dev.parallax.api.Row;
import dev.parallax.api.Session;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.lock.LockInfo;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo's lock scene: two sessions update two rows in opposite order, the lock view shows who
 * waits for whom, and the deadlock detector ends the cycle by failing exactly one of them.
 */
final class DeadlockScene {
  private final Database db;
  private final PrintStream out;
  private final String table;

  DeadlockScene(Database db, PrintStream out, String table) {
    this.db = db;
    this.out = out;
    this.table = table;
  }

  /** Runs the scene; true when exactly one session failed with 40P01 and the other committed. */
  boolean run(String firstOwner, String secondOwner) throws Exception {
    out.println("== 3. Locks: D and E update " + firstOwner + " and " + secondOwner + " in opposite order ==");
    try (Session d = db.openSession(); Session e = db.openSession()) {
      d.setDeadlockTimeout(Duration.ofMillis(300));
      e.setDeadlockTimeout(Duration.ofMillis(300));
      d.begin();
      e.begin();
      Row first = find(d, firstOwner);
      Row second = find(e, secondOwner);
      d.update(table, first.id(), Map.of("balance", first.getLong("balance") - 1));
      e.update(table, second.id(), Map.of("balance", second.getLong("balance") - 1));
      out.println("D: update " + firstOwner + "; E: update " + secondOwner + "   (each holds its row)");
      CompletableFuture<String> fd = attempt(d, secondOwner, "D");
      awaitWaiters(1);
      CompletableFuture<String> fe = attempt(e, firstOwner, "E");
      awaitWaiters(2);
      out.println("lock view while both wait (awaited locks):");
      for (LockInfo i : db.locks()) {
        if (!i.granted()) {
          out.printf("  %-22s waits for %-16s on %s%n", i.owner(), i.mode().displayName(), i.tag());
        }
      }
      String rd = fd.get(30, TimeUnit.SECONDS);
      String re = fe.get(30, TimeUnit.SECONDS);
      out.println("D: " + rd);
      out.println("E: " + re);
      boolean oneFailed = rd.startsWith("40P01") ^ re.startsWith("40P01");
      boolean otherCommitted = rd.equals("committed") || re.equals("committed");
      out.println();
      return oneFailed && otherCommitted && db.locks().isEmpty();
    }
  }

  private CompletableFuture<String> attempt(Session s, String owner, String name) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        Row r = find(s, owner);
        s.update(table, r.id(), Map.of("balance", r.getLong("balance") + 1));
        s.commit();
        f.complete("committed");
      } catch (DatabaseException x) {
        s.rollback();
        String firstLine = x.getMessage().lines().findFirst().orElse("");
        f.complete(x.sqlState() + " " + firstLine + (SqlState.DEADLOCK_DETECTED.equals(x.sqlState())
            ? "\n   " + String.join("\n   ", x.getMessage().lines().skip(1).toList()) + "\n   rolled back" : ""));
      } catch (RuntimeException x) {
        f.complete("unexpected " + x);
      }
    }, "demo-" + name);
    t.setDaemon(true);
    t.start();
    return f;
  }

  private void awaitWaiters(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (db.locks().stream().filter(i -> !i.granted()).count() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  private Row find(Session s, String owner) {
    List<Row> rows = s.scan(table).stream().filter(r -> owner.equals(r.get("owner"))).toList();
    if (rows.isEmpty()) {
      throw new IllegalStateException("no row for " + owner);
    }
    return rows.get(0);
  }
}
