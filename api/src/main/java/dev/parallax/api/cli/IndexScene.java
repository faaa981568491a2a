package dev.parallax.api.cli;

import dev.parallax.api.Database;
import dev.parallax.api.Index;
import dev.parallax.api.IndexOnlyResult;
import dev.parallax.api.KeyRange;
import dev.parallax.api.Row;
import dev.parallax.api.Session;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.lock.LockInfo;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo's index scene: a unique index built over the rows already there, a lookup through
 * it, a second session inserting the same key as a first one that has not committed (it waits for
 * the first, then gets 23505), and an index-only scan before and after vacuum marks the pages
 * all-visible.
 */
final class IndexScene {
  private final Database db;
  private final PrintStream out;
  private final String table;

  IndexScene(Database db, PrintStream out, String table) {
    this.db = db;
    this.out = out;
    this.table = table;
  }

  /** Runs the scene; true when every step behaved as described. */
  boolean run() throws Exception {
    out.println("== 4. Indexes: a unique index on owner ==");
    boolean ok = true;
    try (Session f = db.openSession(); Session g = db.openSession()) {
      Index idx = f.createIndex(table, List.of("owner"), true);
      out.println("CREATE UNIQUE INDEX " + idx.name() + " ON " + table + " (owner): built bottom-up over the rows there");
      List<Row> bob = f.lookup(table, idx.name(), "bob");
      out.println("lookup owner = 'bob' through the index: " + bob.stream().map(r -> r.get("owner") + "=" + r.get("balance")).toList());
      ok &= bob.size() == 1;

      f.begin();
      f.insert(table, (long) 'f', "frank", 10L);
      out.println("F: insert frank   (not committed yet)");
      CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
        try {
          g.insert(table, (long) 'g', "frank", 20L);
          return "inserted";
        } catch (DatabaseException e) {
          return e.sqlState() + " " + e.getMessage();
        }
      });
      LockInfo wait = awaitWaiter();
      out.println("G: insert frank -> waits: " + (wait == null ? "(no wait seen)" : wait.owner() + " waits for "
          + wait.mode().displayName() + " on " + wait.tag()));
      ok &= wait != null && !second.isDone();
      f.commit();
      out.println("F: COMMIT");
      String result = second.get(30, TimeUnit.SECONDS);
      out.println("G: " + result);
      ok &= result.startsWith(SqlState.UNIQUE_VIOLATION);

      IndexOnlyResult before = g.indexOnlyScan(table, idx.name(), KeyRange.all(), true);
      db.vacuum();
      IndexOnlyResult after = g.indexOnlyScan(table, idx.name(), KeyRange.all(), true);
      out.println("index-only scan of owner: " + before.keys().stream().map(Arrays::toString).toList());
      out.println("  heap fetches: " + before.heapFetches() + " before vacuum, " + after.heapFetches()
          + " after (vacuum marked the pages all-visible)");
      ok &= after.keys().size() == before.keys().size() && after.heapFetches() < before.heapFetches();
      f.dropIndex(idx.name());
    }
    out.println();
    return ok;
  }

  private LockInfo awaitWaiter() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (LockInfo i : db.locks()) {
        if (!i.granted()) {
          return i;
        }
      }
      Thread.sleep(5);
    }
    return null;
  }
}
