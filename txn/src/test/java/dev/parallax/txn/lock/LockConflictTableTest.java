package dev.parallax.txn.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Both conflict tables, every pair, against the tables as PostgreSQL's documentation prints them
 * (written out here independently of the enums), and the same pairs through a real lock manager:
 * the second owner's NOWAIT request fails exactly when the table says the modes conflict.
 */
class LockConflictTableTest {
  private static final LockMode[] M = LockMode.values();

  /** Row i: the modes (by ordinal) that mode i conflicts with, from the documentation's table 13.2. */
  private static final String[] TABLE = {
      "-------X", // ACCESS SHARE
      "------XX", // ROW SHARE
      "----XXXX", // ROW EXCLUSIVE
      "---XXXXX", // SHARE UPDATE EXCLUSIVE
      "--XX-XXX", // SHARE
      "--XXXXXX", // SHARE ROW EXCLUSIVE
      "-XXXXXXX", // EXCLUSIVE
      "XXXXXXXX", // ACCESS EXCLUSIVE
  };

  /** Table 13.3: KEY SHARE, SHARE, NO KEY UPDATE, UPDATE. */
  private static final String[] ROW_TABLE = {
      "---X",
      "--XX",
      "-XXX",
      "XXXX",
  };

  @Test
  void tableModesConflictExactlyAsDocumented() {
    for (LockMode a : M) {
      for (LockMode b : M) {
        boolean expected = TABLE[a.ordinal()].charAt(b.ordinal()) == 'X';
        assertEquals(expected, a.conflictsWith(b), a + " vs " + b);
        assertEquals(a.conflictsWith(b), b.conflictsWith(a), "symmetric: " + a + " vs " + b);
      }
    }
  }

  @Test
  void weakAndStrongModesSplitAsTheFastPathNeeds() {
    Set<LockMode> weak = Set.of(LockMode.ACCESS_SHARE, LockMode.ROW_SHARE, LockMode.ROW_EXCLUSIVE);
    for (LockMode a : M) {
      assertEquals(weak.contains(a), a.isWeak(), a.name());
      for (LockMode b : M) {
        if (a.isWeak() && b.isWeak()) {
          assertFalse(a.conflictsWith(b), "weak modes never conflict: " + a + " " + b);
        }
        if (a.isWeak() && a.conflictsWith(b)) {
          assertTrue(b.isStrong(), a + " conflicts only with strong modes, not " + b);
        }
      }
    }
    assertFalse(LockMode.SHARE_UPDATE_EXCLUSIVE.isWeak());
    assertFalse(LockMode.SHARE_UPDATE_EXCLUSIVE.isStrong(), "conflicts with no weak mode");
  }

  @Test
  void rowLockStrengthsConflictExactlyAsDocumentedAndThroughTheirTableModes() {
    RowLockStrength[] s = RowLockStrength.values();
    for (RowLockStrength a : s) {
      for (RowLockStrength b : s) {
        boolean expected = ROW_TABLE[a.ordinal()].charAt(b.ordinal()) == 'X';
        assertEquals(expected, a.conflictsWith(b), a + " vs " + b);
        assertEquals(expected, a.tableMode().conflictsWith(b.tableMode()), "tuple lock modes for " + a + " vs " + b);
      }
    }
  }

  @Test
  void everyPairThroughTheLockManager() {
    for (LockTag tag : new LockTag[] {LockTag.relation(7), LockTag.tuple(7, 1, 2), LockTag.transaction(99)}) {
      for (LockMode a : M) {
        for (LockMode b : M) {
          LockManager lm = new LockManager();
          LockOwner first = lm.newOwner("first");
          LockOwner second = lm.newOwner("second");
          assertTrue(lm.acquire(first, tag, a, LockWait.NOWAIT));
          boolean granted;
          try {
            granted = lm.acquire(second, tag, b, LockWait.SKIP_LOCKED);
          } finally {
            lm.releaseAll(first);
          }
          assertEquals(!a.conflictsWith(b), granted, tag + ": " + a + " held, " + b + " asked");
          lm.releaseAll(second);
          assertTrue(lm.isEmpty(), "empty after " + a + "/" + b);
        }
      }
    }
  }
}
