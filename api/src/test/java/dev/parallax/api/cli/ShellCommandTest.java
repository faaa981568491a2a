package dev.parallax.api.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.Session;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shell reads a script with statements over several lines and prints psql-like output. */
class ShellCommandTest {
  @Test
  void runsAScriptAndKeepsGoingAfterAnError() throws Exception {
    String script = "CREATE TABLE t (a integer,\n  b text);\nINSERT INTO t VALUES (1, 'x'), (22, 'yy');\n"
        + "SELECT * FROM nosuch;\nSELECT a, b FROM t\n ORDER BY a DESC;\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok;
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
         Session s = db.openSession(); PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      ok = ShellCommand.run(s, new StringReader(script), out, false);
    }
    assertFalse(ok, "one statement failed");
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals("CREATE TABLE\n\nINSERT 0 2\n\nERROR:  42P01: relation \"nosuch\" does not exist\n\n"
        + " a  | b  \n----+----\n 22 | yy\n  1 | x\n(2 rows)\n\n", text);
  }

  @Test
  void quitsAtBackslashQ() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
         Session s = db.openSession(); PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertTrue(ShellCommand.run(s, new StringReader("SELECT 1;\n\\q\nSELECT nosuch;\n"), out, false));
    }
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("(1 row)"));
  }
}
