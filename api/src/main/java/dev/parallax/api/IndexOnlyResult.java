package dev.parallax.api;

import java.util.List;

/**
 * What an index-only scan returns: the index keys of the visible rows, in index order, and how
 * many entries needed a heap fetch because their page was not known to be all-visible (vacuum
 * sets a page all-visible; any change to the page clears it).
 *
 * <p>Keys come back as the index stores them: NUMERIC values without trailing zeros (1.50 as
 * 1.5), -0.0 as 0.0, timestamps at microsecond precision.
 */
public record IndexOnlyResult(List<Object[]> keys, long heapFetches) {}
