package dev.parallax.api.cli;

import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parallax demo}: watch MVCC at work on an embedded database. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Creates a table, runs concurrent sessions at READ COMMITTED and REPEATABLE READ "
        + "that insert, update and delete rows, and prints what each session sees.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--db", description = "Database directory (default: ./parallax-data).")
  Path db = Path.of("parallax-data");

  @Option(names = "--in-memory", description = "Use an in-memory database instead of a directory.")
  boolean inMemory;

  @Option(names = "--threads", description = "Concurrent sessions in the transfer workload (default: ${DEFAULT-VALUE}).")
  int threads = 8;

  @Option(names = "--transfers", description = "Transfers per session in the workload (default: ${DEFAULT-VALUE}).")
  int transfers = 2_000;

  @Override
  public Integer call() {
    DatabaseSettings settings = DatabaseSettings.defaults();
    try (Database database = inMemory ? Database.inMemory(settings) : Database.open(db, settings)) {
      String where = inMemory ? "in memory" : db.toAbsolutePath().toString();
      MvccDemo.Summary summary = new MvccDemo(database, System.out, where).run(threads, transfers);
      return summary.ok() ? 0 : 1;
    }
  }
}
