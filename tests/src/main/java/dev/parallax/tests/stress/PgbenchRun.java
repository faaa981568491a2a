package dev.parallax.tests.stress;

import dev.parallax.storage.DatabaseException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload (TPC-B or primary-key selects) from {@code clients} threads, each with its
 * own client (session), for a fixed time after a warm-up, printing a progress line every few
 * seconds and returning the totals. Keys are drawn uniformly, as pgbench draws them.
 * Serialization failures and deadlocks are counted as failed transactions (pgbench without
 * --max-tries does the same), not retried.
 */
final class PgbenchRun {
  enum Workload { TPCB, SELECT }

  record Result(long transactions, long failures, double seconds, Histogram latencyMicros) {
    double perSecond() {
      return transactions / seconds;
    }
  }

  private PgbenchRun() {}

  static Result run(Workload workload, int scale, int clients, double warmupSeconds, double seconds,
      Supplier<TpcbClient> clientFactory, PrintStream progress) throws InterruptedException {
    int accounts = scale * PgbenchTables.ACCOUNTS_PER_SCALE;
    int tellers = scale * PgbenchTables.TELLERS_PER_SCALE;
    LongAdder done = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicLong measuring = new AtomicLong(); // 0 warm-up, 1 measuring, 2 stop
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      Histogram h = new Histogram(60_000_000L, 3);
      histograms.add(h);
      long seed = 0x5DEECE66DL * (c + 1);
      Thread t = new Thread(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        try (TpcbClient client = clientFactory.get()) {
          ready.countDown();
          while (measuring.get() < 2) {
            int aid = 1 + r.nextInt(accounts);
            long t0 = System.nanoTime();
            try {
              if (workload == Workload.TPCB) {
                client.transaction(aid, 1 + r.nextInt(scale), 1 + r.nextInt(tellers), r.nextInt(-5000, 5001));
              } else {
                client.selectBalance(aid);
              }
            } catch (DatabaseException e) {
              if (!PlanTpcbClient.retryable(e)) {
                throw e;
              }
              if (measuring.get() == 1) {
                failed.increment();
              }
              continue;
            }
            if (measuring.get() == 1) {
              h.recordValue(Math.min(60_000_000L, (System.nanoTime() - t0) / 1000));
              done.increment();
            }
          }
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
          ready.countDown();
        }
      }, "pgbench-client-" + c);
      threads.add(t);
      t.start();
    }
    ready.await();
    Thread.sleep((long) (warmupSeconds * 1000));
    measuring.set(1);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long lastCount = 0;
    long lastTime = start;
    while (System.nanoTime() < end && errors.isEmpty()) {
      Thread.sleep(Math.min(5000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      long now = System.nanoTime();
      long count = done.sum();
      progress.printf("progress: %5.1f s, %,.0f per second (last %.1f s), %,d failed%n", (now - start) / 1e9,
          (count - lastCount) / ((now - lastTime) / 1e9), (now - lastTime) / 1e9, failed.sum());
      lastCount = count;
      lastTime = now;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long total = done.sum();
    measuring.set(2);
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("a client failed: " + errors.get(0), errors.get(0));
    }
    Histogram all = new Histogram(60_000_000L, 3);
    histograms.forEach(all::add);
    return new Result(total, failed.sum(), elapsed, all);
  }
}
