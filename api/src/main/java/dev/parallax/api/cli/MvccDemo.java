package dev.parallax.api.cli;

import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.Row;
import dev.parallax.api.RowId;
import dev.parallax.api.Session;
import dev.parallax.api.VacuumReport;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo: a scripted interleaving of three sessions that shows snapshots at work, then a
 * concurrent transfer workload whose invariant (the bank total) is checked at the end. Prints a
 * readable account and a final JSON line for scripts.
 */
public final class MvccDemo {
  /** What the demo observed; {@code ok} when every expectation held. */
  public record Summary(boolean ok, long commits, long serializationFailures, long total, long expectedTotal,
      long removedVersions, double transfersPerSecond) {}

  private static final String TABLE = "demo_accounts";
  private static final long START_BALANCE = 1_000;

  private final Database db;
  private final PrintStream out;
  private final String where;
  private boolean ok = true;

  public MvccDemo(Database db, PrintStream out, String where) {
    this.db = db;
    this.out = out;
    this.where = where;
  }

  public Summary run(int threads, int transfersPerThread) {
    out.println("Parallax demo: database " + where);
    try (Session admin = db.openSession()) {
      if (admin.table(TABLE).isPresent()) {
        admin.dropTable(TABLE);
      }
      admin.createTable(TABLE, Column.notNull("id", ColumnType.BIGINT), Column.notNull("owner", ColumnType.TEXT),
          Column.notNull("balance", ColumnType.BIGINT));
      admin.begin();
      for (String owner : List.of("alice", "bob", "carol")) {
        admin.insert(TABLE, (long) owner.charAt(0), owner, START_BALANCE);
      }
      admin.commit();
      out.println("created table " + TABLE + "(id bigint, owner text, balance bigint) with alice, bob, carol at "
          + START_BALANCE + "\n");
    }
    snapshots();
    savepoints();
    try {
      expect(new DeadlockScene(db, out, TABLE).run("alice", "bob"),
          "exactly one of D and E got 40P01, the other committed, no lock left behind");
    } catch (Exception e) {
      expect(false, "the lock scene ran: " + e);
    }
    try {
      expect(new IndexScene(db, out, TABLE).run(),
          "the unique index found bob, made G wait for F and then refused the duplicate (23505), and vacuum "
              + "let the index-only scan skip the heap");
    } catch (Exception e) {
      expect(false, "the index scene ran: " + e);
    }
    Summary summary = workload(threads, transfersPerThread);
    out.println();
    expect(new PlanScene(db, out, TABLE).run(summary.expectedTotal()),
        "the per-branch sums of the joined, grouped plan add up to the bank total");
    expect(new MergeScene(db, out).run(),
        "MERGE updated sku 1, deleted sku 2, inserted sku 6, and left sku 3 and 7 alone");
    summary = new Summary(ok, summary.commits(), summary.serializationFailures(), summary.total(),
        summary.expectedTotal(), summary.removedVersions(), summary.transfersPerSecond());
    out.println(ok ? "demo: every expectation held" : "demo: SOME EXPECTATION FAILED");
    out.printf("{\"demo\":\"mvcc\",\"ok\":%s,\"commits\":%d,\"serialization_failures\":%d,\"total\":%d,"
            + "\"expected_total\":%d,\"vacuum_removed\":%d,\"transfers_per_second\":%.0f}%n",
        summary.ok(), summary.commits(), summary.serializationFailures(), summary.total(), summary.expectedTotal(),
        summary.removedVersions(), summary.transfersPerSecond());
    return summary;
  }

  /** Three sessions, one thread, a fixed interleaving: what each snapshot sees. */
  private void snapshots() {
    out.println("== 1. Snapshots: A is READ COMMITTED, B is REPEATABLE READ, C writes ==");
    try (Session a = db.openSession(); Session b = db.openSession(); Session c = db.openSession()) {
      a.begin(IsolationLevel.READ_COMMITTED);
      b.begin(IsolationLevel.REPEATABLE_READ);
      show("A (RC) sees", a);
      show("B (RR) sees", b);

      c.begin(IsolationLevel.READ_COMMITTED);
      Row alice = find(c, "alice");
      c.update(TABLE, alice.id(), Map.of("balance", alice.getLong("balance") + 50));
      c.insert(TABLE, (long) 'd', "dave", START_BALANCE);
      c.delete(TABLE, find(c, "carol").id());
      out.println("C: alice +50, insert dave, delete carol   (not committed yet)");
      show("C sees its own changes", c);
      expect(show("A sees", a).equals(owners("alice=1000", "bob=1000", "carol=1000")), "A must not see uncommitted work");
      c.commit();
      out.println("C: COMMIT");
      expect(show("A, next statement, new snapshot", a).equals(owners("alice=1050", "bob=1000", "dave=1000")),
          "A (READ COMMITTED) sees C's commit in its next statement");
      expect(show("B, same snapshot as before", b).equals(owners("alice=1000", "bob=1000", "carol=1000")),
          "B (REPEATABLE READ) keeps its snapshot");
      try {
        Row bAlice = find(b, "alice");
        b.update(TABLE, bAlice.id(), Map.of("balance", 0L));
        expect(false, "B's update of a row changed since its snapshot must fail");
      } catch (DatabaseException e) {
        out.println("B: update alice -> " + e.sqlState() + " " + e.getMessage());
        expect(SqlState.SERIALIZATION_FAILURE.equals(e.sqlState()), "B gets a serialization failure (40001)");
      }
      b.rollback();
      a.commit();
    }
    out.println();
  }

  private void savepoints() {
    out.println("== 2. Savepoints ==");
    try (Session s = db.openSession()) {
      s.begin();
      RowId eve = s.insert(TABLE, (long) 'e', "eve", 10L);
      s.savepoint("before_bonus");
      s.update(TABLE, eve, Map.of("balance", 1_000_000L));
      show("inside, after the bonus", s);
      s.rollbackToSavepoint("before_bonus");
      List<String> after = show("after ROLLBACK TO before_bonus", s);
      expect(after.contains("eve=10"), "the bonus is undone, eve's insert stays");
      s.delete(TABLE, find(s, "eve").id());
      s.commit();
    }
    out.println();
  }

  /** Concurrent transfers at REPEATABLE READ (retrying 40001) and READ COMMITTED (row locks). */
  private Summary workload(int threads, int transfersPerThread) {
    out.println("== 5. " + threads + " concurrent sessions x " + transfersPerThread + " transfers ==");
    int accounts = 50;
    try (Session s = db.openSession()) {
      s.dropTable(TABLE);
      s.createTable(TABLE, List.of(Column.notNull("id", ColumnType.BIGINT), Column.notNull("owner", ColumnType.TEXT),
          Column.notNull("balance", ColumnType.BIGINT)), List.of("id"));
      s.begin();
      for (int i = 0; i < accounts; i++) {
        s.insert(TABLE, (long) i, "acct" + i, START_BALANCE);
      }
      s.commit();
    }
    long expectedTotal = accounts * START_BALANCE;
    AtomicLong commits = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long started = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      IsolationLevel level = w % 2 == 0 ? IsolationLevel.REPEATABLE_READ : IsolationLevel.READ_COMMITTED;
      long seed = 42 + w;
      Thread t = new Thread(() -> transfers(level, seed, transfersPerThread, commits, failures, errors), "demo-" + w);
      workers.add(t);
      t.start();
    }
    long lastReport = System.nanoTime();
    for (Thread t : workers) {
      while (t.isAlive()) {
        try {
          t.join(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Summary(false, commits.get(), failures.get(), -1, expectedTotal, 0, 0);
        }
        if (System.nanoTime() - lastReport > 2_000_000_000L) {
          out.printf("  ... %d of %d transfers committed%n", commits.get(), (long) threads * transfersPerThread);
          lastReport = System.nanoTime();
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long total;
    try (Session s = db.openSession()) {
      total = s.scan(TABLE).stream().mapToLong(r -> r.getLong("balance")).sum();
    }
    out.printf("committed %d transfers in %.2f s (%.0f/s); %d serialization failures retried%n",
        commits.get(), seconds, commits.get() / seconds, failures.get());
    expect(errors.get() == 0, "no unexpected errors in the workload");
    expect(commits.get() == (long) threads * transfersPerThread, "every session committed all its transfers");
    expect(total == expectedTotal, "the bank total is unchanged: " + total + " == " + expectedTotal);
    VacuumReport vacuum = db.vacuum();
    out.printf("vacuum removed %d dead versions and froze %d%n", vacuum.removedVersions(), vacuum.frozenVersions());
    dev.parallax.api.CheckReport check = db.check();
    out.printf("check: %d index(es), %d entries, %s%n", check.indexes(), check.entries(),
        check.ok() ? "consistent" : check.problems());
    expect(check.ok(), "every index agrees with its table after the workload and vacuum");
    return new Summary(ok, commits.get(), failures.get(), total, expectedTotal, vacuum.removedVersions(),
        commits.get() / seconds);
  }

  private void transfers(IsolationLevel level, long seed, int count, AtomicLong commits, AtomicLong failures,
      AtomicLong errors) {
    Random rnd = new Random(seed);
    try (Session s = db.openSession()) {
      int done = 0;
      while (done < count) {
        long from = rnd.nextInt(50);
        long to = rnd.nextInt(50);
        if (from == to) {
          continue;
        }
        long amount = 1 + rnd.nextInt(20);
        try {
          s.begin(level);
          Map<Long, Row> rows = new java.util.HashMap<>();
          for (long id : new long[] {from, to}) {
            rows.put(id, s.lookup(TABLE, TABLE + "_pkey", id).get(0)); // through the primary key
          }
          // Touch rows in id order so that two transfers never wait for each other in a cycle.
          for (long id : rows.keySet().stream().sorted(Comparator.naturalOrder()).toList()) {
            Row r = level == IsolationLevel.READ_COMMITTED ? s.lockRow(TABLE, rows.get(id).id()) : rows.get(id);
            if (r == null) {
              // The version read by the earlier statement was vacuumed away: READ COMMITTED
              // guarantees nothing across statements, so read again.
              throw new StaleRead();
            }
            long delta = id == from ? -amount : amount;
            s.update(TABLE, r.id(), Map.of("balance", r.getLong("balance") + delta));
          }
          s.commit();
          commits.incrementAndGet();
          done++;
        } catch (StaleRead e) {
          s.rollback();
        } catch (RuntimeException e) {
          if (s.inTransaction()) {
            s.rollback();
          }
          if (e instanceof DatabaseException d && SqlState.SERIALIZATION_FAILURE.equals(d.sqlState())) {
            failures.incrementAndGet();
          } else {
            errors.incrementAndGet();
            out.println("  unexpected error: " + e);
            return;
          }
        }
      }
    }
  }

  private List<String> show(String label, Session s) {
    List<String> view = s.scan(TABLE).stream()
        .map(r -> r.get("owner") + "=" + r.get("balance")).sorted().toList();
    out.printf("  %-34s %s%n", label + ":", String.join("  ", view));
    return view;
  }

  private static List<String> owners(String... entries) {
    return List.of(entries);
  }

  private static Row find(Session s, String owner) {
    return s.scan(TABLE).stream().filter(r -> owner.equals(r.get("owner"))).findFirst()
        .orElseThrow(() -> new IllegalStateException("no row for " + owner));
  }

  private void expect(boolean condition, String what) {
    out.println((condition ? "  ok:     " : "  FAILED: ") + what);
    ok &= condition;
  }

  /** A READ COMMITTED transfer found its earlier read stale; it is retried, not an error. */
  private static final class StaleRead extends RuntimeException {
    StaleRead() {
      super("stale read", null, false, false);
    }
  }
}
