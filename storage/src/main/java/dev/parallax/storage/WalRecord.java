package dev.parallax.storage;

/**
 * One redo record as replay sees it.
 *
 * @param lsn log position where the record starts
 * @param endLsn log position just past the record; a page changed by the record gets this as its
 *     page LSN, so replay skips a page whose LSN is already {@code >= endLsn}
 * @param resourceManager owner of the record type ({@link ResourceManagers})
 * @param info record type within the resource manager
 * @param xid the transaction id that wrote it, or 0
 * @param pages pages the record changes, in the order given to the log
 * @param payload the data needed to redo the change
 */
public record WalRecord(
    long lsn, long endLsn, int resourceManager, int info, long xid, PageId[] pages, byte[] payload) {}
