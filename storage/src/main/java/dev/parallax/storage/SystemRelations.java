package dev.parallax.storage;

/** Relation numbers reserved by the engine. User relations start at {@link PageId#FIRST_USER_RELATION}. */
public final class SystemRelations {
  private SystemRelations() {}

  /** The commit log: two status bits per transaction id (module txn). */
  public static final int COMMIT_LOG = 1;
  /** The catalog of tables (module api), an MVCC heap like any table. */
  public static final int CATALOG_TABLES = 2;
}
