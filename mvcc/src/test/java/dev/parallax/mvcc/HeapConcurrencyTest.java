package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transfers between accounts from several threads, with random aborts, while readers check that
 * every snapshot sees the same total and vacuum runs underneath. Writers take rows in account
 * order (so waits cannot form a cycle) and re-apply their change to the newest version after a
 * concurrent update, as a READ COMMITTED writer must. A lost update, a torn snapshot or a
 * vacuumed live version breaks the total.
 */
class HeapConcurrencyTest {
  static final ColumnType[] TYPES = {ColumnType.INTEGER, ColumnType.BIGINT};
  static final int ACCOUNTS = 24;
  static final long INITIAL = 1_000;

  private final HeapFixture f = new HeapFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private static byte[] account(int id, long balance) {
    return RowCodec.encode(TYPES, new Object[] {id, balance});
  }

  @Test
  void transfersKeepTheTotalUnderConcurrentUpdatesAbortsAndVacuum() throws Exception {
    long seed = Long.getLong("parallax.test.seed", System.nanoTime());
    AtomicReferenceArray<Tid> known = new AtomicReferenceArray<>(ACCOUNTS);
    Transaction setup = f.rc();
    for (int i = 0; i < ACCOUNTS; i++) {
      known.set(i, f.heap.insert(REL, setup, account(i, INITIAL)));
    }
    setup.commit();

    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong commits = new AtomicLong();
    AtomicLong snapshotsChecked = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Random rnd = new Random(seed + w);
      threads.add(new Thread(() -> {
        try {
          for (int n = 0; n < 400 && failures.isEmpty(); n++) {
            int a = rnd.nextInt(ACCOUNTS);
            int b = (a + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            long amount = 1 + rnd.nextInt(50);
            Transaction t = f.rc();
            Tid ta = change(t, known, Math.min(a, b), a < b ? -amount : amount);
            Tid tb = change(t, known, Math.max(a, b), a < b ? amount : -amount);
            if (rnd.nextInt(5) == 0) {
              t.rollback();
            } else {
              t.commit();
              known.set(Math.min(a, b), ta);
              known.set(Math.max(a, b), tb);
              commits.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          failures.add("writer: " + e);
        }
      }));
    }
    for (int r = 0; r < 2; r++) {
      IsolationLevel level = r == 0 ? IsolationLevel.READ_COMMITTED : IsolationLevel.REPEATABLE_READ;
      threads.add(new Thread(() -> {
        try {
          while (!stop.get() && failures.isEmpty()) {
            Transaction t = f.begin(level);
            for (int k = 0; k < 3; k++) {
              long[] total = sum(t, t.startStatement());
              if (total[0] != ACCOUNTS || total[1] != ACCOUNTS * INITIAL) {
                failures.add(level + " snapshot saw " + total[0] + " accounts totalling " + total[1]);
              }
              snapshotsChecked.incrementAndGet();
            }
            t.commit();
          }
        } catch (Throwable e) {
          failures.add("reader: " + e);
        }
      }));
    }
    Thread vacuum = new Thread(() -> {
      try {
        while (!stop.get() && failures.isEmpty()) {
          f.heap.vacuum(REL, f.tm.oldestXmin());
          Thread.sleep(2);
        }
      } catch (Throwable e) {
        failures.add("vacuum: " + e);
      }
    });
    threads.forEach(Thread::start);
    vacuum.start();
    for (Thread t : threads.subList(0, 4)) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertTrue(!t.isAlive(), "writer hung; seed " + seed);
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
    }
    vacuum.join(10_000);
    assertEquals(List.of(), List.copyOf(failures), "seed " + seed);
    assertTrue(commits.get() > 100, "too few commits: " + commits.get());
    assertTrue(snapshotsChecked.get() > 0);
    Transaction check = f.rc();
    long[] total = sum(check, check.startStatement());
    assertEquals(ACCOUNTS, total[0]);
    assertEquals(ACCOUNTS * INITIAL, total[1]);
    check.commit();
    assertEquals(0, f.tm.runningCount());
    f.heap.vacuum(REL, f.tm.oldestXmin());
    Transaction after = f.rc();
    assertEquals(ACCOUNTS * INITIAL, sum(after, after.startStatement())[1], "after a final vacuum");
  }

  private long[] sum(Transaction t, Snapshot snap) {
    HeapScan s = f.heap.scan(REL, snap, t);
    long count = 0;
    long total = 0;
    while (s.hasNext()) {
      total += (Long) s.next().value(TYPES, 1);
      count++;
    }
    return new long[] {count, total};
  }

  /** Adds {@code delta} to account {@code id}'s newest version; returns the new version's tid. */
  private Tid change(Transaction t, AtomicReferenceArray<Tid> known, int id, long delta) {
    while (true) {
      HeapTuple cur = newest(t, known.get(id), id);
      Object[] v = cur.values(TYPES);
      HeapResult r = f.heap.update(REL, cur.tid(), account(id, (Long) v[1] + delta), t);
      switch (r.code()) {
        case OK:
          return r.newTid();
        case BEING_MODIFIED:
          f.tm.waitForEnd(t, r.conflictingXid());
          break;
        case UPDATED:
        case DELETED:
        case INVISIBLE:
          break; // someone committed a newer version meanwhile: look again
        default:
          throw new AssertionError("unexpected " + r + " for account " + id);
      }
    }
  }

  private HeapTuple newest(Transaction t, Tid hint, int id) {
    Snapshot now = t.latestSnapshot();
    HeapTuple cur = f.heap.latestVersion(REL, hint, now, t);
    if (cur != null && (Integer) cur.value(TYPES, 0) == id) {
      return cur;
    }
    HeapScan s = f.heap.scan(REL, now, t); // the hint was vacuumed away: find the row
    while (s.hasNext()) {
      HeapTuple x = s.next();
      if ((Integer) x.value(TYPES, 0) == id) {
        return x;
      }
    }
    throw new AssertionError("account " + id + " vanished");
  }
}
