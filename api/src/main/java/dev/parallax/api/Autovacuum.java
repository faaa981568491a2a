package dev.parallax.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The background vacuum: every {@code autovacuumIntervalMillis} it looks at each table's dead
 * fraction (dead versions over all versions, as counted by the heap) and vacuums the tables past
 * {@code autovacuumDeadFraction}. One daemon thread; errors are counted and the thread goes on
 * (a failed pass must not stop later ones).
 */
final class Autovacuum {
  private final Database db;
  private final DatabaseSettings settings;
  private Thread thread;
  private volatile boolean stopping;
  private volatile long passes;
  private volatile long failures;

  Autovacuum(Database db, DatabaseSettings settings) {
    this.db = db;
    this.settings = settings;
  }

  void start() {
    if (settings.autovacuumIntervalMillis() <= 0) {
      return;
    }
    thread = new Thread(this::loop, "parallax-autovacuum");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!stopping) {
      try {
        Thread.sleep(settings.autovacuumIntervalMillis());
      } catch (InterruptedException e) {
        return;
      }
      if (stopping) {
        return;
      }
      try {
        List<Table> due = new ArrayList<>();
        try (Session s = db.openSession()) {
          for (Table t : s.tables()) {
            if (db.heap().deadFraction(t.relation()) >= settings.autovacuumDeadFraction()) {
              due.add(t);
            }
          }
        }
        if (!due.isEmpty()) {
          Vacuum.run(db, due, false);
        }
        passes++;
      } catch (RuntimeException e) {
        if (stopping || db.isClosed()) {
          return;
        }
        failures++;
      }
    }
  }

  void stop() {
    stopping = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  long passes() {
    return passes;
  }

  long failures() {
    return failures;
  }
}
