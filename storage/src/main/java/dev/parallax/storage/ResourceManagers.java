package dev.parallax.storage;

/**
 * Identifiers of the write-ahead-log "resource managers": the owner of a record type, whose
 * {@link RedoHandler} replays it. Each module registers its handler with the
 * {@link StorageEngine} before recovery runs.
 */
public final class ResourceManagers {
  private ResourceManagers() {}

  /** storage: checkpoints, full-page images, relation create / drop. */
  public static final int STORAGE = 0;
  /** txn: commit and abort records (they set commit-log bits on redo). */
  public static final int TRANSACTION = 1;
  /** mvcc: heap insert / update / delete / lock / prune / freeze. */
  public static final int HEAP = 2;
  /** storage (issue 4): B+tree pages. */
  public static final int BTREE = 3;
  public static final int MAX = 16;
}
