package dev.parallax.api.cli;

import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.ResultPrinter;
import dev.parallax.api.Session;
import dev.parallax.storage.DatabaseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parallax shell [--db PATH]}: an SQL shell like psql. Reads statements ending in ';'
 * from standard input — interactively with a prompt when it is a terminal, else as a script —
 * runs each through one session and prints rows as aligned tables, command tags, notices and
 * errors the way psql does. {@code \q} quits. Without {@code --db} the database is in memory.
 * An error does not stop a script; the exit code is 1 if any statement failed, else 0.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
    description = "An interactive SQL shell (also reads a script from standard input).")
final class ShellCommand implements Callable<Integer> {
  @Option(names = "--db", description = "Database directory (default: a database in memory).")
  Path db;

  @Override
  public Integer call() throws IOException {
    boolean interactive = System.console() != null;
    DatabaseSettings settings = DatabaseSettings.defaults();
    try (Database database = db == null ? Database.inMemory(settings) : Database.open(db, settings);
         Session session = database.openSession()) {
      if (interactive) {
        System.out.println("parallax shell (" + (db == null ? "in memory; use --db PATH to keep data" : db.toAbsolutePath())
            + "). Statements end with ';', \\q quits.");
      }
      return run(session, new InputStreamReader(System.in, StandardCharsets.UTF_8), System.out, interactive) ? 0 : 1;
    }
  }

  /** Runs every statement from {@code in}; false if one failed. */
  static boolean run(Session session, Reader in, PrintStream out, boolean prompt) throws IOException {
    BufferedReader reader = new BufferedReader(in);
    StringBuilder buffer = new StringBuilder();
    boolean ok = true;
    while (true) {
      if (prompt) {
        out.print(buffer.length() == 0 ? "parallax=> " : "parallax-> ");
        out.flush();
      }
      String line = reader.readLine();
      if (line == null) {
        break;
      }
      if (buffer.length() == 0 && line.strip().equals("\\q")) {
        break;
      }
      buffer.append(line).append('\n');
      if (!dev.parallax.sql.parse.ScriptSplitter.complete(buffer.toString())) {
        continue;
      }
      for (String stmt : dev.parallax.sql.parse.ScriptSplitter.split(buffer.toString())) {
        try {
          out.print(ResultPrinter.format(session.execute(stmt)));
        } catch (DatabaseException e) {
          ok = false;
          out.print(ResultPrinter.error(e, stmt));
        }
        if (!prompt) {
          out.println();
        }
      }
      buffer.setLength(0);
    }
    if (!buffer.toString().isBlank()) {
      for (String stmt : dev.parallax.sql.parse.ScriptSplitter.split(buffer.toString())) {
        try {
          out.print(ResultPrinter.format(session.execute(stmt)));
        } catch (DatabaseException e) {
          ok = false;
          out.print(ResultPrinter.error(e, stmt));
        }
      }
    }
    return ok;
  }
}
