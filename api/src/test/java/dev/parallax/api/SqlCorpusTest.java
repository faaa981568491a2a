package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.sql.parse.ScriptSplitter;
import dev.parallax.storage.DatabaseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The SQL regression corpus, like PostgreSQL's: each {@code src/test/resources/sql/NAME.sql} is
 * run statement by statement on a fresh in-memory database through {@link Session#execute}, and
 * what psql would print (the statement, then its rows, command tag, notices or error, see
 * {@link ResultPrinter}) must equal {@code NAME.out} exactly. Timings in EXPLAIN ANALYZE are
 * masked. To write the expected files after a deliberate change, run with
 * {@code -Dparallax.sql.accept=true} and review the diff.
 */
class SqlCorpusTest {
  static final Path DIR = Path.of("src/test/resources/sql");

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
    assertTrue(files.size() >= 5, "corpus files in " + DIR.toAbsolutePath());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path sqlFile) throws IOException {
    String actual = run(Files.readString(sqlFile, StandardCharsets.UTF_8));
    Path expected = Path.of(sqlFile.toString().replaceAll("\\.sql$", ".out"));
    if (Boolean.getBoolean("parallax.sql.accept")) {
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(expected), "no expected output " + expected + ": run with -Dparallax.sql.accept=true, then review it");
    assertEquals(Files.readString(expected, StandardCharsets.UTF_8), actual, "output of " + sqlFile.getFileName());
  }

  static String run(String script) {
    StringBuilder out = new StringBuilder();
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
         Session s = db.openSession()) {
      for (String stmt : ScriptSplitter.split(script)) {
        out.append(stmt).append(";\n");
        try {
          out.append(mask(ResultPrinter.format(s.execute(stmt))));
        } catch (DatabaseException e) {
          out.append(ResultPrinter.error(e, stmt));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** Masks what differs from run to run: EXPLAIN ANALYZE's times and memory figures. */
  static String mask(String s) {
    return s.replaceAll("actual time=[0-9.]+\\.\\.[0-9.]+", "actual time=N..N")
        .replaceAll("(Memory|Disk): [0-9]+kB", "$1: NkB");
  }
}
