package dev.parallax.storage;

/** A page failed its checksum or structural checks; names the relation and block (XX001). */
public final class DataCorruptedException extends DatabaseException {
  private final PageId page;

  public DataCorruptedException(PageId page, String detail) {
    super(SqlState.DATA_CORRUPTED,
        "invalid page in relation " + page.relation() + " block " + page.block() + ": " + detail);
    this.page = page;
  }

  public PageId page() {
    return page;
  }
}
