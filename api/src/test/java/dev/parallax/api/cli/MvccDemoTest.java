package dev.parallax.api.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvccDemoTest {
  @Test
  void theDemoHoldsEveryExpectationOnDisk(@TempDir Path dir) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    MvccDemo.Summary summary;
    try (Database db = Database.open(dir, DatabaseSettings.defaults().withAutovacuumIntervalMillis(0))) {
      summary = new MvccDemo(db, new PrintStream(buf, true, StandardCharsets.UTF_8), dir.toString()).run(4, 150);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(summary.ok(), out);
    assertFalse(out.contains("FAILED"), out);
    assertEquals(summary.expectedTotal(), summary.total());
    assertEquals(4 * 150, summary.commits());
    assertTrue(out.contains("40001"), "the REPEATABLE READ session's serialization failure is shown");
    String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    assertTrue(json.contains("\"ok\":true"), json);
  }

  @Test
  void theDemoCanRunTwiceOnTheSameDatabase(@TempDir Path dir) {
    for (int i = 0; i < 2; i++) {
      try (Database db = Database.open(dir, DatabaseSettings.defaults().withAutovacuumIntervalMillis(0))) {
        MvccDemo.Summary s = new MvccDemo(db, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            dir.toString()).run(2, 50);
        assertTrue(s.ok(), "run " + i);
      }
    }
  }
}
