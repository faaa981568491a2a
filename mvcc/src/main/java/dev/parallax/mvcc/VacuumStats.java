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
 */
public record VacuumStats(long pagesScanned, long removedVersions, long frozenVersions, long liveVersions,
    long deadKept, long oldestUnfrozenXid) {}
