package dev.parallax.storage;

/** Counters since start; used by tests and benchmarks. */
public record BufferPoolStats(long hits, long reads, long writes, long evictions) {}
