package dev.parallax.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.api.Database;
import dev.parallax.api.Row;
import dev.parallax.api.Session;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash torture: a child JVM ({@link CrashChild}) commits transfers from several threads and
 * acknowledges each commit; we kill it with SIGKILL at a random moment, reopen the database in
 * this JVM (crash recovery) and check:
 *
 * <ul>
 *   <li>every acknowledged commit is present (its journal row is visible);
 *   <li>nothing of a transaction that did not commit is visible: no rolled-back journal row
 *       (amount 0), and at most one unacknowledged journal row per worker (the commit in flight
 *       when the kill came, which may or may not have reached the log);
 *   <li>atomicity: every account's balance equals the start balance plus the journal's credits
 *       minus its debits, so no transaction is half present;
 *   <li>the bank total is unchanged;
 *   <li>the indexes (the bank's primary key, the journal's unique (worker, seq) and its src index)
 *       pass {@code Database.check()} (tree structure, and index-vs-heap agreement both ways) and
 *       find every row.
 * </ul>
 *
 * The database directory is kept across kills, so later rounds recover a database that was itself
 * recovered. {@code -Dparallax.torture.kills=N} sets the number of kills (30 by default, the CI
 * figure); {@code -Dparallax.torture.seed=S} replays a run.
 */
class CrashTortureTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedCommitSurvivesSigkill() throws Exception {
    int kills = Integer.getInteger("parallax.torture.kills", 30);
    long seed = Long.getLong("parallax.torture.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Path db = dir.resolve("db");
    Set<String> acknowledged = new HashSet<>();
    java.util.TreeSet<Long> runStarts = new java.util.TreeSet<>();
    long totalAcks = 0;
    for (int round = 0; round < kills; round++) {
      String context = "seed " + seed + ", round " + round;
      Set<String> acks = ConcurrentHashMap.newKeySet();
      Process child = startChild(db, 3, rnd.nextLong());
      List<String> errors = new ArrayList<>();
      java.util.concurrent.atomic.AtomicLong ready = new java.util.concurrent.atomic.AtomicLong();
      Thread reader = new Thread(() -> readOutput(child, acks, errors, ready));
      reader.start();
      // Kill at a random moment: sometimes during start-up and recovery, mostly while transfers run.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      if (rnd.nextInt(8) != 0) {
        while (ready.get() == 0 && System.nanoTime() < deadline && child.isAlive()) {
          Thread.sleep(5);
        }
      }
      Thread.sleep(rnd.nextInt(round % 3 == 0 ? 150 : 900));
      // SIGKILL through the process handle: Process.destroyForcibly() would also close our end of
      // the child's stdout, discarding acknowledgements still in the pipe.
      child.toHandle().destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die; " + context);
      reader.join(10_000);
      assertTrue(errors.isEmpty(), "child reported errors " + errors + "; " + context);
      if (ready.get() != 0) {
        runStarts.add(ready.get());
      }
      acknowledged.addAll(acks);
      totalAcks += acks.size();
      check(db, acknowledged, runStarts, context);
    }
    assertTrue(totalAcks > kills, "the workload made too little progress to test anything: " + totalAcks + " acks");
    System.out.printf("crash torture: %d kills, %d acknowledged commits verified (seed %d)%n", kills, totalAcks, seed);
  }

  private static void check(Path path, Set<String> acknowledged, java.util.TreeSet<Long> runStarts, String context) {
    try (Database db = Database.open(path); Session s = db.openSession()) {
      if (s.table("bank").isEmpty()) {
        assertTrue(acknowledged.isEmpty(), "acknowledged commits but no bank table; " + context);
        return;
      }
      s.begin(dev.parallax.txn.IsolationLevel.REPEATABLE_READ);
      List<Row> bank = s.scan("bank");
      List<Row> journal = s.scan("journal");
      s.commit();
      assertEquals(CrashChild.ACCOUNTS, bank.size(), "accounts lost or duplicated; " + context);
      Map<Long, Long> expected = new HashMap<>();
      Set<String> present = new HashSet<>();
      // Per worker and run: the unacknowledged rows (at most one: the commit in flight at the kill).
      Map<String, Integer> unacknowledged = new HashMap<>();
      List<String> unackedKeys = new ArrayList<>();
      for (Row j : journal) {
        String key = j.get("worker") + " " + j.get("seq");
        assertFalse(j.getLong("amount") == 0, "a rolled-back journal row is visible: " + key + "; " + context);
        assertTrue(present.add(key), "journal row twice: " + key + "; " + context);
        if (!acknowledged.contains(key)) {
          Long run = runStarts.floor(j.getLong("seq"));
          unacknowledged.merge(j.get("worker") + "@" + run, 1, Integer::sum);
          unackedKeys.add(key);
        }
        expected.merge(j.getLong("src"), -j.getLong("amount"), Long::sum);
        expected.merge(j.getLong("dst"), j.getLong("amount"), Long::sum);
      }
      for (String ack : acknowledged) {
        assertTrue(present.contains(ack), "acknowledged commit " + ack + " is lost; " + context);
      }
      unacknowledged.forEach((workerRun, n) -> assertTrue(n <= 1,
          n + " unacknowledged commits of worker@run " + workerRun + " (at most the one in flight): " + unackedKeys
              + "; run starts " + runStarts + "; " + context));
      long total = 0;
      for (Row a : bank) {
        long id = a.getLong("id");
        long balance = a.getLong("balance");
        assertEquals(CrashChild.START + expected.getOrDefault(id, 0L), balance,
            "account " + id + " does not match the journal (a transaction is half present); " + context);
        total += balance;
      }
      assertEquals(CrashChild.ACCOUNTS * CrashChild.START, total, "bank total changed; " + context);
      // the indexes: structurally sound, in step with the heap, and answering for every row
      dev.parallax.api.CheckReport report = db.check();
      assertTrue(report.ok(), "index check: " + report.problems() + "; " + context);
      for (Row j : journal) {
        List<Row> found = s.lookup("journal", "journal_worker_seq_key", j.get("worker"), j.get("seq"));
        assertEquals(1, found.size(), "journal row " + j.get("worker") + " " + j.get("seq") + " through its index; " + context);
      }
      for (Row a : bank) {
        assertEquals(a.getLong("balance"), s.lookup("bank", "bank_pkey", a.getLong("id")).get(0).getLong("balance"),
            "account " + a.getLong("id") + " through the primary key; " + context);
      }
    }
  }

  private static Process startChild(Path db, int threads, long seed) throws Exception {
    Files.createDirectories(db);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), db.toString(), Integer.toString(threads), Long.toString(seed));
    pb.redirectErrorStream(true);
    return pb.start();
  }

  private static void readOutput(Process child, Set<String> acks, List<String> errors,
      java.util.concurrent.atomic.AtomicLong ready) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acks.add(line.substring(4));
        } else if (line.startsWith("READY ")) {
          ready.set(Long.parseLong(line.substring(6).trim()));
        } else if (line.startsWith("ERROR") || line.contains("Exception")) {
          synchronized (errors) {
            errors.add(line);
          }
        }
      }
    } catch (java.io.IOException e) {
      // The child was killed mid-line: whatever it acknowledged before is already recorded.
    }
  }
}
