package dev.parallax.txn;

/** Counters since start. */
public record TransactionStats(long commits, long aborts, long idsAssigned, long snapshots, int running) {}
