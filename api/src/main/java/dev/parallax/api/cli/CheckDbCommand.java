package dev.parallax.api.cli;

import dev.parallax.api.CheckReport;
import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.storage.DatabaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code parallax check-db PATH}: opens the database (recovering it if it crashed), verifies every
 * index against itself and its table, prints each problem and a JSON summary line. Exit code 0
 * when consistent, 1 when problems were found, 2 when the database could not be opened.
 */
@Command(name = "check-db", mixinStandardHelpOptions = true,
    description = "Verifies every index of a database: tree structure, and agreement with the table's rows.")
final class CheckDbCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Database directory.")
  Path path;

  @Override
  public Integer call() {
    if (!Files.isDirectory(path)) {
      System.err.println("check-db: no database directory at " + path);
      return 2;
    }
    long start = System.nanoTime();
    try (Database db = Database.open(path, DatabaseSettings.defaults().withAutovacuumIntervalMillis(0))) {
      System.out.println("checking " + path.toAbsolutePath() + " ...");
      CheckReport r = db.check();
      for (String p : r.problems()) {
        System.out.println("problem: " + p);
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.println((r.ok() ? "ok" : r.problems().size() + " problem(s)") + ": " + r.indexes()
          + " index(es), " + r.entries() + " entries, " + ms + " ms");
      System.out.println("{\"ok\":" + r.ok() + ",\"indexes\":" + r.indexes() + ",\"entries\":" + r.entries()
          + ",\"problems\":" + r.problems().size() + ",\"millis\":" + ms + "}");
      return r.ok() ? 0 : 1;
    } catch (DatabaseException e) {
      System.err.println("check-db: " + e.getMessage());
      return 2;
    }
  }
}
