package dev.parallax.mvcc;

/**
 * What one vacuum of a relation did.
 *
 * @param pagesScanned pages examined
 * @param removedVersions dead versions removed (their space is free again)
 * @param frozenVersions versions whose xmin was frozen
 * @param liveVersions versions kept (live, recently dead or in progress)
 * @param deadKept kept versions that are deleted but not yet removable (recently dead, or deleted
 *     by a transaction still running): the next vacuum's work
 * @param oldestUnfrozenXid the lowest transaction id still written in a kept version (an unfrozen
 *     xmin or any remaining xmax), or {@code Long.MAX_VALUE}: commit-log pages below it are no
 *     longer consulted for this relation
 * @param deadLinePointers line pointers of removed versions made DEAD (only with indexes: they
 *     wait for the index pass); DEAD slots found from an interrupted vacuum are not counted here
 * @param unusedLinePointers line pointers made UNUSED (free for reuse): removed versions' slots
 *     without indexes, DEAD slots after the index pass with them, including leftovers from an
 *     interrupted vacuum
 * @param pagesMarkedAllVisible pages newly marked all-visible (flag and visibility-map bit)
 * @param indexPasses calls to {@link IndexVacuum#removeEntries} (0 without indexes or dead tids)
 */
public record VacuumStats(long pagesScanned, long removedVersions, long frozenVersions, long liveVersions,
    long deadKept, long oldestUnfrozenXid, long deadLinePointers, long unusedLinePointers,
    long pagesMarkedAllVisible, int indexPasses) {}
