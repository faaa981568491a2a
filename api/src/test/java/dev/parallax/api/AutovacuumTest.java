package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The background vacuum picks tables by dead fraction and gives their space back to inserts. */
class AutovacuumTest {
  @Test
  void tablesPastTheDeadFractionAreVacuumedInTheBackgroundOthersAreLeft() throws Exception {
    DatabaseSettings settings = DatabaseSettings.defaults().withAutovacuumIntervalMillis(20);
    try (Database db = Database.inMemory(settings); Session s = db.openSession()) {
      Table churn = s.createTable("churn", Column.notNull("id", ColumnType.BIGINT), Column.of("pad", ColumnType.TEXT));
      Table calm = s.createTable("calm", Column.notNull("id", ColumnType.BIGINT), Column.of("pad", ColumnType.TEXT));
      String pad = "p".repeat(100);
      s.begin();
      for (long i = 0; i < 2000; i++) {
        s.insert("churn", i, pad);
        s.insert("calm", i, pad);
      }
      s.commit();
      List<Row> rows = s.scan("churn");
      List<Row> calmRows = s.scan("calm");
      s.begin();
      for (int i = 0; i < 1500; i++) {
        s.delete("churn", rows.get(i).id());
      }
      for (int i = 0; i < 50; i++) { // 2.5% dead: below the 20% threshold
        s.delete("calm", calmRows.get(i).id());
      }
      s.commit();
      int blocks = db.storage().bufferPool().blockCount(churn.relation());

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (db.heap().deadFraction(churn.relation()) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0.0, db.heap().deadFraction(churn.relation()), "the churned table was vacuumed");
      assertTrue(db.heap().deadFraction(calm.relation()) > 0, "the calm table was left alone");

      s.begin();
      for (long i = 0; i < 1400; i++) {
        s.insert("churn", 10_000 + i, pad);
      }
      s.commit();
      assertEquals(blocks, db.storage().bufferPool().blockCount(churn.relation()), "inserts reused the space");
      assertEquals(1900, s.scan("churn").size());
    }
  }
}
