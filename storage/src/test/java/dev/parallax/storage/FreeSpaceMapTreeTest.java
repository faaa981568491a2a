package dev.parallax.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class FreeSpaceMapTreeTest {
  @Test
  void findsTheLowestBlockWithRoomLikeAReferenceMap() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    ConcurrentFreeSpaceMap fsm = new ConcurrentFreeSpaceMap();
    TreeMap<Integer, Integer> model = new TreeMap<>();
    for (int i = 0; i < 20_000; i++) {
      int block = rnd.nextInt(3000);
      int free = rnd.nextInt(8000);
      fsm.record(1000, block, free);
      model.put(block, free);
      int need = 1 + rnd.nextInt(8200); // callers always need room for something
      int expected = model.entrySet().stream().filter(e -> e.getValue() >= need).mapToInt(e -> e.getKey())
          .findFirst().orElse(-1);
      assertEquals(expected, fsm.findPage(1000, need), "seed " + seed + " step " + i);
    }
    assertEquals(-1, fsm.findPage(1001, 1), "unknown relation");
    fsm.forget(1000);
    assertEquals(-1, fsm.findPage(1000, 1));
  }

  @Test
  void concurrentReportsAndLookupsOnlyReturnBlocksThatHadRoom() throws Exception {
    ConcurrentFreeSpaceMap fsm = new ConcurrentFreeSpaceMap();
    // Block b only ever reports free space b * 10 or 0, so any answer can be checked alone.
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Random rnd = new Random(t);
      threads.add(new Thread(() -> {
        for (int i = 0; i < 50_000; i++) {
          int block = rnd.nextInt(800);
          fsm.record(7, block, rnd.nextBoolean() ? block * 10 : 0);
          int need = rnd.nextInt(8000);
          int found = fsm.findPage(7, need);
          if (found >= 0 && found * 10 < need) {
            failures.add("block " + found + " can never have " + need + " bytes");
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(failures.isEmpty(), failures.toString());
    for (int b = 0; b < 800; b++) {
      fsm.record(7, b, b * 10);
    }
    assertEquals(500, fsm.findPage(7, 5000));
  }
}
