package dev.parallax.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Pages in byte arrays: the backing store of the in-memory engine (evicted pages land here). */
final class MemoryPageStore implements PageStore {
  private final Map<Integer, Map<Integer, byte[]>> relations = new ConcurrentHashMap<>();

  @Override
  public void read(PageId id, byte[] into) {
    Map<Integer, byte[]> rel = relations.get(id.relation());
    byte[] page = rel == null ? null : rel.get(id.block());
    if (page == null) {
      java.util.Arrays.fill(into, (byte) 0);
    } else {
      System.arraycopy(page, 0, into, 0, into.length);
    }
  }

  @Override
  public void write(PageId id, byte[] page) {
    Map<Integer, byte[]> rel = relations.get(id.relation());
    if (rel != null) {
      rel.put(id.block(), page.clone());
    }
  }

  @Override
  public void create(int relation) {
    relations.computeIfAbsent(relation, r -> new ConcurrentHashMap<>());
  }

  @Override
  public void drop(int relation) {
    relations.remove(relation);
  }

  @Override
  public boolean exists(int relation) {
    return relations.containsKey(relation);
  }

  @Override
  public int storedBlocks(int relation) {
    Map<Integer, byte[]> rel = relations.get(relation);
    if (rel == null) {
      return 0;
    }
    int max = -1;
    for (int b : rel.keySet()) {
      max = Math.max(max, b);
    }
    return max + 1;
  }

  @Override
  public void sync() {}

  @Override
  public boolean checksums() {
    return false;
  }

  @Override
  public void close() {
    relations.clear();
  }
}
