package dev.parallax.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlottedPageTest {
  private static byte[] item(int len, int seed) {
    byte[] b = new byte[len];
    Arrays.fill(b, (byte) seed);
    b[0] = (byte) (seed >> 8);
    return b;
  }

  private static byte[] read(byte[] p, int slot) {
    return Arrays.copyOfRange(p, SlottedPage.offset(p, slot), SlottedPage.offset(p, slot) + SlottedPage.length(p, slot));
  }

  @Test
  void addReadDeadAndCompactKeepSlotNumbers() {
    byte[] p = new byte[SlottedPage.PAGE_SIZE];
    assertTrue(SlottedPage.isNew(p));
    SlottedPage.init(p, 0);
    assertFalse(SlottedPage.isNew(p));
    int a = SlottedPage.addItem(p, item(100, 1));
    int b = SlottedPage.addItem(p, item(200, 2));
    int c = SlottedPage.addItem(p, item(300, 3));
    assertEquals(0, a);
    assertEquals(2, c);
    int freeBefore = SlottedPage.freeSpace(p);
    SlottedPage.setDead(p, b);
    SlottedPage.compact(p);
    assertEquals(freeBefore + 200, SlottedPage.freeSpace(p));
    assertArrayEquals(item(100, 1), read(p, a));
    assertArrayEquals(item(300, 3), read(p, c));
    assertEquals(SlottedPage.DEAD, SlottedPage.state(p, b));
    SlottedPage.setUnused(p, b);
    assertEquals(b, SlottedPage.addItem(p, item(50, 4)), "an unused slot is reused");
    SlottedPage.setRedirect(p, a, c);
    assertEquals(c, SlottedPage.redirectTarget(p, a));
  }

  @Test
  void addAtPlacesExactlyThereForReplay() {
    byte[] p = new byte[SlottedPage.PAGE_SIZE];
    SlottedPage.init(p, 0);
    assertTrue(SlottedPage.addItemAt(p, 3, item(10, 9), 0, 10));
    assertEquals(4, SlottedPage.slotCount(p));
    assertEquals(SlottedPage.UNUSED, SlottedPage.state(p, 0));
    assertArrayEquals(item(10, 9), read(p, 3));
  }

  @Test
  void randomOperationsAgreeWithAModel() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      byte[] p = new byte[SlottedPage.PAGE_SIZE];
      SlottedPage.init(p, rnd.nextInt(3) * 16);
      Map<Integer, byte[]> model = new HashMap<>();
      for (int op = 0; op < 300; op++) {
        int kind = rnd.nextInt(10);
        if (kind < 6) {
          byte[] it = item(1 + rnd.nextInt(400), rnd.nextInt(1 << 15));
          int slot = SlottedPage.addItem(p, it);
          if (slot >= 0) {
            assertFalse(model.containsKey(slot), "seed " + seed);
            model.put(slot, it);
          } else {
            assertTrue(SlottedPage.upper(p) - SlottedPage.lower(p) < it.length + 4,
                "add failed with room left; seed " + seed);
          }
        } else if (kind < 9 && !model.isEmpty()) {
          int slot = model.keySet().stream().skip(rnd.nextInt(model.size())).findFirst().orElseThrow();
          SlottedPage.setUnused(p, slot);
          model.remove(slot);
        } else {
          SlottedPage.compact(p);
        }
        for (Map.Entry<Integer, byte[]> e : model.entrySet()) {
          assertArrayEquals(e.getValue(), read(p, e.getKey()), "seed " + seed);
        }
      }
    }
  }
}
