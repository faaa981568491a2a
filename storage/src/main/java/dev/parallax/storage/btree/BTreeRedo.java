package dev.parallax.storage.btree;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.DataCorruptedException;
import dev.parallax.storage.RedoContext;
import dev.parallax.storage.RedoHandler;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.PageId;
import dev.parallax.storage.WalRecord;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Replays B+tree records. A page argument is null when the page already reflects the record
 * (restored from a full-page image, or its LSN is past the record); the other pages of the record
 * are still redone, so a split whose left half reached disk and whose right half did not is
 * completed.
 *
 * <p>A split replayed without the downlink insertion that followed it leaves the left page
 * flagged {@link BTreePage#INCOMPLETE_SPLIT}. Replay remembers such pages ({@link
 * #incompleteSplits}) so that the database finishes them right after recovery; a flag from before
 * the replay's start point (a checkpoint between the two records) is finished by the first writer
 * that meets the page.
 */
public final class BTreeRedo implements RedoHandler {
  /** Left pages of splits replayed without their downlink yet; replay is single-threaded. */
  private final Set<PageId> incompleteSplits = new LinkedHashSet<>();

  /** The split pages replay left flagged INCOMPLETE_SPLIT, in log order. */
  public Set<PageId> incompleteSplits() {
    return Set.copyOf(incompleteSplits);
  }

  @Override
  public void redo(WalRecord r, RedoContext ctx) {
    byte[] d = r.payload();
    switch (r.info()) {
      case BTreeRecords.CREATE -> {
        Buffer meta = ctx.page(0);
        if (meta != null) {
          BTreePage.initMeta(meta.data(), r.pages()[1].block(), 0);
        }
        Buffer root = ctx.page(1);
        if (root != null) {
          BTreePage.init(root.data(), true, 0, 0);
        }
      }
      case BTreeRecords.INSERT -> {
        Buffer b = ctx.page(0);
        if (b != null) {
          int slot = SlottedPage.getShort(d, 0);
          if (!SlottedPage.insertOrdered(b.data(), slot, d, 2, d.length - 2)) {
            throw new DataCorruptedException(r.pages()[0], "btree redo: item does not fit at position " + slot
                + " (record at LSN " + r.lsn() + ")");
          }
        }
        clearChildFlag(r, ctx, 1);
      }
      case BTreeRecords.SPLIT -> {
        incompleteSplits.add(r.pages()[0]);
        int pos = 0;
        for (int i = 0; i < 2; i++) {
          Buffer b = ctx.page(i);
          byte[] target = b != null ? b.data() : new byte[SlottedPage.PAGE_SIZE];
          pos = BTreeRecords.readImage(d, pos, target);
        }
        clearChildFlag(r, ctx, 2);
      }
      case BTreeRecords.NEW_ROOT -> {
        Buffer root = ctx.page(0);
        if (root != null) {
          BTreeRecords.readImage(d, 0, root.data());
        }
        Buffer meta = ctx.page(1);
        if (meta != null) {
          byte[] rootImage = new byte[SlottedPage.PAGE_SIZE];
          BTreeRecords.readImage(d, 0, rootImage);
          BTreePage.setMetaRoot(meta.data(), r.pages()[0].block(), BTreePage.level(rootImage));
        }
        clearChildFlag(r, ctx, 2);
      }
      case BTreeRecords.DELETE -> {
        Buffer b = ctx.page(0);
        if (b != null) {
          int n = SlottedPage.getShort(d, 0);
          int[] slots = new int[n];
          for (int i = 0; i < n; i++) {
            slots[i] = SlottedPage.getShort(d, 2 + 2 * i);
          }
          BTreeRecords.applyDelete(b.data(), slots, n);
        }
      }
      case BTreeRecords.IMAGE -> {
        Buffer b = ctx.page(0);
        if (b != null) {
          BTreeRecords.readImage(d, 0, b.data());
        }
      }
      default -> throw new DataCorruptedException(r.pages()[0], "unknown btree record type " + r.info()
          + " at LSN " + r.lsn());
    }
  }

  private void clearChildFlag(WalRecord r, RedoContext ctx, int index) {
    if (r.pages().length > index) {
      incompleteSplits.remove(r.pages()[index]);
      Buffer child = ctx.page(index);
      if (child != null) {
        BTreePage.setIncompleteSplit(child.data(), false);
      }
    }
  }
}
