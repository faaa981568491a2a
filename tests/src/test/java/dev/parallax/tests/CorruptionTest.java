package dev.parallax.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.Session;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DataCorruptedException;
import dev.parallax.storage.SqlState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flipped byte in a data page that replay does not rewrite (the database was closed cleanly,
 * so nothing is replayed) must be reported as corruption naming the relation and block, never
 * returned as a wrong answer, and the rest of the database must stay usable.
 */
class CorruptionTest {
  @TempDir Path dir;

  @Test
  void aFlippedByteInADataPageIsReportedNotReturned() throws IOException {
    int relation;
    DatabaseSettings settings = DatabaseSettings.defaults().withAutovacuumIntervalMillis(0);
    try (Database db = Database.open(dir, settings); Session s = db.openSession()) {
      s.createTable("victim", Column.notNull("id", ColumnType.BIGINT), Column.of("pad", ColumnType.TEXT));
      s.createTable("bystander", Column.notNull("id", ColumnType.BIGINT));
      s.begin();
      for (long i = 0; i < 500; i++) {
        s.insert("victim", i, "p".repeat(100));
        s.insert("bystander", i);
      }
      s.commit();
      relation = s.table("victim").orElseThrow().relation();
    }
    Path file = relationFile(relation);
    int block = 1;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = block * 8192L + 6000; // inside tuple data of block 1
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
    try (Database db = Database.open(dir, settings); Session s = db.openSession()) {
      DataCorruptedException e = assertThrows(DataCorruptedException.class, () -> s.scan("victim"));
      assertEquals(SqlState.DATA_CORRUPTED, e.sqlState());
      assertTrue(e.getMessage().contains("relation " + relation) && e.getMessage().contains("block " + block),
          e.getMessage());
      assertEquals(500, s.scan("bystander").size(), "other tables stay readable");
      assertEquals(500, s.scan("bystander").size(), "and the session goes on");
    }
  }

  private Path relationFile(int relation) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> found = files.filter(p -> p.getFileName().toString().equals(Integer.toString(relation))).toList();
      assertEquals(1, found.size(), "one file for relation " + relation + ": " + found);
      return found.get(0);
    }
  }
}
