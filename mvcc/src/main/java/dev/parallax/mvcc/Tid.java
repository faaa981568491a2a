package dev.parallax.mvcc;

/**
 * A tuple id: where one row version lives, as (block, slot) in its relation. Slots never move
 * while the version lives (page compaction moves bytes, not slots), so a Tid stays valid until
 * vacuum removes the version; after that the slot may be reused by an unrelated version, which is
 * why following an update chain checks that the next version's xmin equals the previous xmax.
 */
public record Tid(int block, int slot) implements Comparable<Tid> {
  /** "No tuple": an unset link. */
  public static final Tid INVALID = new Tid(-1, -1);

  public boolean isValid() {
    return block >= 0 && slot >= 0;
  }

  @Override
  public int compareTo(Tid o) {
    int c = Integer.compare(block, o.block);
    return c != 0 ? c : Integer.compare(slot, o.slot);
  }

  @Override
  public String toString() {
    return "(" + block + "," + slot + ")";
  }
}
