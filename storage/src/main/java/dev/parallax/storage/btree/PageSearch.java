package dev.parallax.storage.btree;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageCopies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A search-optimised copy of one B+tree page's order: abbreviated keys, in one {@code long[]}
 * (a page copy, see {@link PageCopies}: attached to the page's frame and published in the tree's
 * {@code FrameHints}), so that {@link BTree#lookup} descends without pins, latches or a single
 * read of the page bytes. Static methods over the copy.
 *
 * <h2>Why</h2>
 * On a 10 M-entry tree a lookup is bound by cache misses: the binary search over a leaf touches
 * about six line-pointer and nine item cache lines of an 8 KiB page, one after the other, and
 * every level pins and latches a frame (four atomic operations on its line). Here a page's
 * entries are one array, each an 8-byte abbreviation next to its payload (TID or child block),
 * searched through a short array of samples: about three cache misses per page.
 *
 * <h2>Abbreviations</h2>
 * All compared parts on a page (high key, data items; not an internal page's minus-infinity
 * item) share their longest common prefix {@code prefix} (the common prefix of the lowest item
 * and the high key, or the highest item on a rightmost page, since they are sorted). The
 * abbreviation of a string {@code x} that starts with {@code prefix}, with remainder {@code r}:
 * the first 7 bytes of {@code r} (zero-padded) in the top bytes, then {@code |r| + 1} if
 * {@code |r| <= 7}, else {@code 0xFF} ("long"); the sign bit flipped, so that signed comparison
 * is unsigned comparison. Then for strings {@code a, b}: {@code ab(a) < ab(b)} implies
 * {@code a < b}, and {@code ab(a) == ab(b)} implies {@code a == b} unless both are long (a tie:
 * the answer needs the full bytes, so the lookup falls back to the latched path). A search key
 * that does not start with {@code prefix} is below or above every item ({@link #BELOW},
 * {@link #ABOVE}), or a proper prefix of {@code prefix} ({@link #UNKNOWN}: fall back).
 *
 * <h2>Layout</h2>
 * <pre>
 *  [0] validity word (the page's key while current)
 *  [1] right link (32) | prefix length (16) | entries (14) | rightmost | leaf
 *  [2] abbreviation of the high key
 *  [3] the prefix's first 8 bytes (big-endian, zero-padded)
 *  [4...] samples, the prefix's further words, then (abbreviation, payload) pairs
 * </pre>
 * The samples sit at a fixed place so that the processor can fetch them before the header
 * arrives (their addresses do not depend on it).
 * Entry {@code i} is data slot {@code first + i} (an internal page's minus-infinity item is
 * entry 0, abbreviated {@link #BELOW}); its payload is the TID (leaf) or child block. Sample
 * {@code j} is the abbreviation of the last entry of block {@code j} ({@link #BLOCK} entries), so
 * a search scans the samples, then one block: the header and the samples share the copy's first
 * cache lines, the block is one more.
 */
final class PageSearch {
  private PageSearch() {}

  static final int BLOCK = 16;
  /** Below every abbreviation (raw 0: no real one has a zero low byte). */
  static final long BELOW = Long.MIN_VALUE;
  /** At or above every abbreviation (a long one: ties fall back, as they must). */
  static final long ABOVE = Long.MAX_VALUE;
  /** The key is a proper prefix of the page's common prefix: no answer here. */
  static final long UNKNOWN = Long.MIN_VALUE | 0x100;

  static final int HEADER = 4;

  private static final VarHandle BIG_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** A marker copy: the page was read, unchanged since, but no search copy was made yet. */
  static long[] seen(Buffer b) {
    return new long[] {PageCopies.key(b.id())};
  }

  static boolean isSeen(long[] copy) {
    return copy.length == 1;
  }

  /** Builds the copy of the page in {@code b}; the caller holds its latch. */
  static long[] of(Buffer b) {
    byte[] p = b.data();
    boolean leaf = BTreePage.isLeaf(p);
    boolean rightmost = BTreePage.isRightmost(p);
    int first = BTreePage.firstData(p);
    int n = BTreePage.count(p);
    int entries = n - first;
    int lowest = leaf ? first : first + 1;
    // The lowest and the highest compared item: their common prefix is everyone's.
    int lo = lowest < n ? lowest : 0;
    int hi = rightmost ? n - 1 : 0;
    int c = 0;
    if (lowest < n || !rightmost) {
      int loOff = BTreePage.itemOffset(p, lo);
      int loLen = BTreePage.keyLength(p, lo);
      int hiOff = BTreePage.itemOffset(p, hi);
      int hiLen = BTreePage.keyLength(p, hi);
      int mm = Arrays.mismatch(p, loOff, loOff + loLen, p, hiOff, hiOff + hiLen);
      c = mm < 0 ? loLen : mm;
    }
    int words = (c + 7) >>> 3;
    int samples = (entries + BLOCK - 1) / BLOCK;
    int entryStart = HEADER + samples + Math.max(0, words - 1);
    long[] a = new long[entryStart + 2 * entries];
    a[0] = PageCopies.STALE; // until sealed, below
    a[1] = ((long) BTreePage.rightLink(p) << 32) | ((long) c << 16) | ((long) entries << 2) | (rightmost ? 2 : 0)
        | (leaf ? 1 : 0);
    if (!rightmost) {
      int off = BTreePage.itemOffset(p, 0);
      a[2] = abbreviate(p, off + c, off + BTreePage.keyLength(p, 0));
    } else {
      a[2] = ABOVE;
    }
    if (c > 0) {
      int off = BTreePage.itemOffset(p, lo);
      for (int w = 0; w < words; w++) {
        a[prefixWord(w, samples)] = word(p, off + 8 * w, Math.min(8, c - 8 * w));
      }
    }
    for (int i = 0; i < entries; i++) {
      int s = first + i;
      int off = BTreePage.itemOffset(p, s);
      a[entryStart + 2 * i] = leaf || i > 0 ? abbreviate(p, off + c, off + BTreePage.keyLength(p, s)) : BELOW;
      a[entryStart + 2 * i + 1] = leaf ? BTreePage.tid(p, s) : BTreePage.child(p, s);
    }
    for (int j = 0; j < samples; j++) {
      a[HEADER + j] = a[entryStart + 2 * Math.min(j * BLOCK + BLOCK - 1, entries - 1)];
    }
    PageCopies.seal(a, b.id());
    return a;
  }

  // ---- the header -------------------------------------------------------------------------

  static boolean leaf(long header) {
    return (header & 1) != 0;
  }

  static boolean rightmost(long header) {
    return (header & 2) != 0;
  }

  static int entries(long header) {
    return (int) (header >>> 2) & 0x3FFF;
  }

  static int prefixLength(long header) {
    return (int) (header >>> 16) & 0xFFFF;
  }

  static int rightLink(long header) {
    return (int) (header >>> 32);
  }

  /** Where the (abbreviation, payload) pairs start. */
  static int entryStart(long header) {
    return HEADER + (entries(header) + BLOCK - 1) / BLOCK + Math.max(0, ((prefixLength(header) + 7) >>> 3) - 1);
  }

  /** Where word {@code w} of the prefix is. */
  private static int prefixWord(int w, int samples) {
    return w == 0 ? HEADER - 1 : HEADER + samples + w - 1;
  }

  // ---- abbreviations ----------------------------------------------------------------------

  /** {@code b[from, from + len)} ({@code len <= 8}) big-endian in the top bytes of a long, zero-padded. */
  private static long word(byte[] b, int from, int len) {
    if (len == 8) {
      return (long) BIG_LONG.get(b, from);
    }
    if (len == 0) {
      return 0;
    }
    if (from + 8 <= b.length) {
      return ((long) BIG_LONG.get(b, from)) & (-1L << (64 - 8 * len));
    }
    long w = 0;
    for (int i = 0; i < len; i++) {
      w |= (b[from + i] & 0xFFL) << (56 - 8 * i);
    }
    return w;
  }

  /** The abbreviation of {@code b[from, to)} (a remainder after the page's prefix). */
  static long abbreviate(byte[] b, int from, int to) {
    int r = to - from;
    if (r >= 8) {
      return (((long) BIG_LONG.get(b, from)) | 0xFFL) ^ Long.MIN_VALUE;
    }
    return (word(b, from, r) | (r + 1)) ^ Long.MIN_VALUE;
  }

  static boolean isLong(long ab) {
    return (ab & 0xFF) == 0xFF;
  }

  /** The abbreviation of search key {@code k} on the page of copy {@code a}, or BELOW / ABOVE / UNKNOWN. */
  static long abbreviate(long[] a, long header, byte[] k) {
    int c = prefixLength(header);
    int words = (c + 7) >>> 3;
    for (int w = 0; w < words; w++) {
      int at = 8 * w;
      int len = Math.min(8, c - at);
      int have = Math.min(len, k.length - at);
      if (have <= 0) {
        return UNKNOWN;
      }
      long kw = word(k, at, have);
      long pw = a[w == 0 ? HEADER - 1 : prefixWord(w, (entries(header) + BLOCK - 1) / BLOCK)];
      if (have < len) {
        // The key ends inside the prefix: compare what it has.
        long pm = pw & (-1L << (64 - 8 * have));
        if (kw == pm) {
          return UNKNOWN;
        }
        return Long.compareUnsigned(kw, pm) < 0 ? BELOW : ABOVE;
      }
      if (kw != pw) {
        return Long.compareUnsigned(kw, pw) < 0 ? BELOW : ABOVE;
      }
    }
    return abbreviate(k, c, k.length);
  }

  /**
   * Whether the entry with abbreviation {@code e} starts with the key abbreviated {@code x}:
   * 1 yes, 0 no, -1 cannot tell (fall back).
   */
  static int startsWith(long e, long x) {
    int lb = (int) (x & 0xFF);
    if (lb == 0) {
      return 0; // BELOW: the key is not a prefix of anything here
    }
    if (lb == 0xFF) {
      return e == x ? -1 : 0; // a long key (or ABOVE): only an equal, long entry could match
    }
    int m = lb - 1;
    int el = (int) (e & 0xFF);
    if (el != 0xFF && el - 1 < m) {
      return 0;
    }
    if (m == 0) {
      return 1;
    }
    return ((e ^ x) >>> (64 - 8 * m)) == 0 ? 1 : 0;
  }

  // ---- searching --------------------------------------------------------------------------

  /** Number of entries whose abbreviation is {@code < x} ({@code inclusive}: {@code <= x}). */
  static int count(long[] a, long header, long x, boolean inclusive) {
    int entries = entries(header);
    int e = entryStart(header);
    int samples = (entries + BLOCK - 1) / BLOCK;
    int s = HEADER;
    int j = 0;
    if (inclusive) {
      while (j < samples && a[s + j] <= x) {
        j++;
      }
    } else {
      while (j < samples && a[s + j] < x) {
        j++;
      }
    }
    if (j == samples) {
      return entries;
    }
    int i = j * BLOCK;
    int end = Math.min(i + BLOCK, entries);
    if (inclusive) {
      while (i < end && a[e + 2 * i] <= x) {
        i++;
      }
    } else {
      while (i < end && a[e + 2 * i] < x) {
        i++;
      }
    }
    return i;
  }
}
