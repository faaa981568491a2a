package dev.parallax.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Page copies: data computed from one page's bytes (a search-optimised copy of an index page,
 * say), attached to the frame that holds the page ({@link Buffer#attach}) and published in a
 * {@link FrameHints}, so that readers can use it without pinning, latching or even reading the
 * frame. A copy is a {@code long[]}, one object, so that reading one costs as few cache misses
 * as possible; its element 0 is the validity word: the page's {@link #key} while current,
 * {@link #STALE} once the page may have changed. The rest belongs to the copy's owner.
 *
 * <h2>Why an unlatched reader may trust a copy</h2>
 * A copy is made under the page's latch, from the page's bytes, and attached to the frame under
 * that same latch hold (never by the exclusive holder, whose page may be half changed). Whatever
 * may change the page's bytes first marks the attached copy stale, before it changes anything:
 * taking the exclusive latch, the frame taking another page, the relation being dropped. So a
 * reader that finds the validity word equal to the page's key knows that at the moment it read
 * the word, the page's bytes were still the ones the copy was made from; that moment is the
 * reader's linearisation point. A copy never becomes current again and is not changed after it
 * is attached (but for the validity word).
 *
 * <p>Only one copy is attached to a frame at a time (attaching is a compare-and-set on the
 * expected previous one), so a copy that is not stale is the frame's attached one and will be
 * marked when the page changes.
 */
public final class PageCopies {
  private PageCopies() {}

  /** The validity word of a copy whose page may have changed (no page has this key). */
  public static final long STALE = Frame.NO_PAGE;

  private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

  /** The validity word of a current copy of {@code page}. */
  public static long key(PageId page) {
    return Frame.pageKey(page.relation(), page.block());
  }

  /** True if {@code copy} is a current copy of the page whose key is {@code key}. */
  public static boolean current(long[] copy, long key) {
    return (long) ELEMENT.getVolatile(copy, 0) == key;
  }

  /**
   * Makes {@code copy} current for {@code page}: its last write, after every other element (a
   * volatile write, so a reader that sees the key through {@link #current} sees the rest too).
   */
  public static void seal(long[] copy, PageId page) {
    ELEMENT.setVolatile(copy, 0, key(page));
  }

  static void markStale(long[] copy) {
    ELEMENT.setVolatile(copy, 0, STALE);
  }
}
