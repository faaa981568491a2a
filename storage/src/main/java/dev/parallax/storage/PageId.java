package dev.parallax.storage;

/**
 * The address of one 8 KiB page: a relation (file) number and a block number within it.
 * Relation numbers below {@link #FIRST_USER_RELATION} are reserved for the system (the commit
 * log, the catalog); see {@link SystemRelations}.
 */
public record PageId(int relation, int block) {
  public static final int FIRST_USER_RELATION = 1000;

  public PageId {
    if (relation < 0 || block < 0) {
      throw new IllegalArgumentException("bad page id " + relation + "/" + block);
    }
  }

  @Override
  public String toString() {
    return relation + "/" + block;
  }
}
