package dev.parallax.api;

/**
 * What one vacuum of the whole database did.
 *
 * @param tables relations vacuumed (the catalog included)
 * @param removedVersions dead row versions removed
 * @param frozenVersions committed versions frozen
 * @param oldestXmin the horizon used: versions dead to every snapshot below it were removed
 */
public record VacuumReport(int tables, long removedVersions, long frozenVersions, long oldestXmin) {}
