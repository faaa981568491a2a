package dev.parallax.api.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.Session;
import dev.parallax.mvcc.ColumnType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckDbCommandTest {
  @Test
  void reportsAConsistentDatabaseWithAJsonLine(@TempDir Path dir) {
    try (Database db = Database.open(dir); Session s = db.openSession()) {
      s.createTable("k", List.of(Column.of("id", ColumnType.BIGINT), Column.of("v", ColumnType.TEXT)), List.of("id"));
      s.begin();
      for (long i = 0; i < 500; i++) {
        s.insert("k", i, "v" + i);
      }
      s.commit();
    }
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = new CommandLine(new ParallaxCommand()).execute("check-db", dir.toString());
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    String json = out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
    assertTrue(json.contains("\"ok\":true") && json.contains("\"indexes\":1") && json.contains("\"entries\":500"), json);
  }

  @Test
  void aMissingDirectoryIsExitCodeTwo(@TempDir Path dir) {
    assertEquals(2, new CommandLine(new ParallaxCommand()).execute("check-db", dir.resolve("nope").toString()));
  }
}
