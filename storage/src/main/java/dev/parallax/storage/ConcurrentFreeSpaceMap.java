package dev.parallax.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The free-space map: per relation, block -> free bytes as last reported. In memory only (lost at
 * restart, refilled as inserts and vacuum report). Callers re-check the page they are given.
 */
final class ConcurrentFreeSpaceMap implements FreeSpaceMap {
  private final Map<Integer, ConcurrentSkipListMap<Integer, Integer>> relations = new ConcurrentHashMap<>();

  @Override
  public int findPage(int relation, int bytesNeeded) {
    ConcurrentSkipListMap<Integer, Integer> rel = relations.get(relation);
    if (rel == null) {
      return -1;
    }
    for (Map.Entry<Integer, Integer> e : rel.entrySet()) {
      if (e.getValue() >= bytesNeeded) {
        return e.getKey();
      }
    }
    return -1;
  }

  @Override
  public void record(int relation, int block, int freeBytes) {
    ConcurrentSkipListMap<Integer, Integer> rel = relations.computeIfAbsent(relation, r -> new ConcurrentSkipListMap<>());
    if (freeBytes < 64) {
      rel.remove(block); // not worth offering: keeps findPage's walk short
    } else {
      rel.put(block, freeBytes);
    }
  }

  @Override
  public void forget(int relation) {
    relations.remove(relation);
  }
}
