package dev.parallax.storage;

/** Counters since start: records, bytes, flush calls that waited, physical fsyncs, full-page images. */
public record WalStats(long records, long bytes, long flushRequests, long fsyncs, long fullPageImages) {}
