package dev.parallax.storage;

/**
 * What recovery found.
 *
 * @param checkpointExtra the upper layers' data saved in the last checkpoint (empty if none)
 * @param recordsReplayed records applied
 * @param maxXidSeen the largest transaction id in any record read (0 if none)
 * @param stoppedAtTornTail whether replay ended at a torn or corrupt record rather than a clean end
 */
public record RecoveryResult(
    byte[] checkpointExtra, long recordsReplayed, long maxXidSeen, boolean stoppedAtTornTail) {}
