package dev.parallax.storage;

/**
 * Approximate free space per page, for choosing where an insert goes. Not logged and not
 * authoritative: a caller re-checks the page it is given. Lost at restart and refilled by inserts
 * and vacuum.
 */
public interface FreeSpaceMap {
  /** A block with at least {@code bytesNeeded} free, or -1. */
  int findPage(int relation, int bytesNeeded);

  void record(int relation, int block, int freeBytes);

  void forget(int relation);
}
