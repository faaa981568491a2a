package dev.parallax.tests.stress;

import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.Session;
import dev.parallax.storage.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/parallax bench tpcb|select}: pgbench's default TPC-B-like script, or its select-only
 * script, against a fresh database at a scale factor, from several sessions. Progress lines go
 * to standard error; standard output gets a summary and one JSON line a script can read. A TPC-B
 * run ends by checking that the branches', tellers' and accounts' balances and the history's
 * deltas all sum to the same number (exit code 1 if not).
 */
@Command(name = "pgbench", mixinStandardHelpOptions = true,
    description = "pgbench-like workloads: tpcb (the default TPC-B-like script) or select (primary-key selects).")
public final class PgbenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "tpcb or select")
  String workload;

  @Option(names = "--scale", description = "Scale factor: 100,000 accounts each (default 10).")
  int scale = 10;

  @Option(names = {"-c", "--clients"}, description = "Sessions, one thread each (default 8).")
  int clients = 8;

  @Option(names = {"-T", "--time"}, description = "Measured seconds (default 30).")
  double seconds = 30;

  @Option(names = "--warmup", description = "Warm-up seconds before measuring (default 10).")
  double warmup = 10;

  @Option(names = "--storage", description = "disk (default for tpcb) or memory (default for select).")
  String storage;

  @Option(names = "--async-commit", description = "Acknowledge commits before they are durable.")
  boolean asyncCommit;

  @Option(names = "--db", description = "Database directory (default: a temporary one, deleted afterwards).")
  Path db;

  @Option(names = "--mode", description = "sql (prepared statements, the default) or plan (physical plans through Session.run).")
  String mode = "sql";

  @Override
  public Integer call() throws Exception {
    PgbenchRun.Workload w = PgbenchRun.Workload.valueOf(workload.toUpperCase(Locale.ROOT));
    boolean disk = storage == null ? w == PgbenchRun.Workload.TPCB : storage.equals("disk");
    int accounts = scale * PgbenchTables.ACCOUNTS_PER_SCALE;
    // Room for every page: ~10 accounts a page... about 130 bytes a row, ~60 rows a page, plus
    // the history a run appends and the indexes.
    StorageSettings ss = StorageSettings.defaults().withBufferPoolPages(Math.max(16_384, accounts / 20 + 65_536))
        .withAsynchronousCommit(asyncCommit);
    DatabaseSettings settings = DatabaseSettings.defaults().withStorage(ss);
    Path dir = db;
    boolean temporary = disk && dir == null;
    if (temporary) {
      dir = Files.createTempDirectory("parallax-pgbench");
    }
    ProgressLine progress = new ProgressLine(System.err, 2000);
    try (Database database = disk ? Database.open(dir, settings) : Database.inMemory(settings)) {
      long t0 = System.nanoTime();
      try (Session s = database.openSession()) {
        if (s.table("pgbench_accounts").isEmpty()) {
          PgbenchTables.create(s, scale, progress);
        }
      }
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      System.err.printf("loaded scale %d (%,d accounts) in %.1f s; %d %s clients, %s, %s commit%n", scale, accounts,
          loadSeconds, clients, mode, disk ? "on disk" : "in memory", asyncCommit ? "asynchronous" : "durable");
      PgbenchTables.Sums before;
      try (Session s = database.openSession()) {
        before = w == PgbenchRun.Workload.TPCB ? PgbenchTables.sums(s) : null;
      }
      PgbenchRun.Result r = PgbenchRun.run(w, scale, clients, warmup, seconds, () -> client(database), System.err);
      boolean consistent = true;
      String sums = "";
      if (w == PgbenchRun.Workload.TPCB) {
        try (Session s = database.openSession()) {
          PgbenchTables.Sums after = PgbenchTables.sums(s);
          consistent = after.consistent() && before.consistent() && after.historyRows() > before.historyRows();
          sums = String.format(",\"sum\":%d,\"history_rows\":%d", after.accounts(), after.historyRows());
          if (!consistent) {
            System.err.println("INCONSISTENT: before " + before + ", after " + after);
          }
        }
      }
      var h = r.latencyMicros();
      System.out.printf("%s: %,.0f transactions per second (%,d in %.1f s, %,d failed); latency ms p50 %.2f p99 %.2f"
          + " max %.1f; balances consistent: %s%n", workload, r.perSecond(), r.transactions(), r.seconds(), r.failures(),
          h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, consistent);
      System.out.printf(Locale.ROOT, "{\"bench\":\"%s\",\"mode\":\"%s\",\"scale\":%d,\"clients\":%d,\"storage\":\"%s\","
          + "\"async_commit\":%b,\"tps\":%.1f,\"transactions\":%d,\"failures\":%d,\"seconds\":%.2f,\"p50_ms\":%.3f,"
          + "\"p99_ms\":%.3f,\"consistent\":%b%s}%n", workload, mode, scale, clients, disk ? "disk" : "memory", asyncCommit,
          r.perSecond(), r.transactions(), r.failures(), r.seconds(), h.getValueAtPercentile(50) / 1000.0,
          h.getValueAtPercentile(99) / 1000.0, consistent, sums);
      return consistent ? 0 : 1;
    } finally {
      if (temporary) {
        deleteTree(dir);
      }
    }
  }

  private TpcbClient client(Database database) {
    if (mode.equals("plan")) {
      return new PlanTpcbClient(database);
    }
    if (mode.equals("sql")) {
      return new SqlTpcbClient(database);
    }
    throw new CommandLine.ParameterException(new CommandLine(this), "unknown --mode " + mode + " (plan or sql)");
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PgbenchCommand()).execute(args));
  }
}
