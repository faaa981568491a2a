package dev.parallax.storage;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A tiny resource manager for storage tests: record type 1 writes {@code bytes} at {@code offset}
 * of its page. Also keeps the model of what each page should hold.
 */
final class TestPages implements RedoHandler {
  static final int RMGR = 9;
  static final int REL = PageId.FIRST_USER_RELATION;

  /** block -> expected page body (bytes 24..) as written through {@link #write}. */
  final Map<Integer, byte[]> model = new HashMap<>();

  static StorageEngine open(Path dir, StorageSettings settings, TestPages handler) {
    StorageEngine e = StorageEngine.open(dir, settings);
    e.registerRedo(RMGR, handler);
    return e;
  }

  @Override
  public void redo(WalRecord r, RedoContext ctx) {
    Buffer b = ctx.page(0);
    if (b != null) {
      apply(b.data(), r.payload());
    }
  }

  private static void apply(byte[] page, byte[] payload) {
    int off = SlottedPage.getInt(payload, 0);
    System.arraycopy(payload, 4, page, off, payload.length - 4);
  }

  /** Writes {@code bytes} at {@code off} of the page, logged; returns the record's end LSN. */
  long write(StorageEngine e, int block, int off, byte[] bytes) {
    try (Buffer b = e.bufferPool().pin(new PageId(REL, block))) {
      b.latchExclusive();
      try {
        byte[] payload = new byte[4 + bytes.length];
        SlottedPage.putInt(payload, 0, off);
        System.arraycopy(bytes, 0, payload, 4, bytes.length);
        apply(b.data(), payload);
        byte[] m = model.computeIfAbsent(block, k -> new byte[SlottedPage.PAGE_SIZE]);
        System.arraycopy(bytes, 0, m, off, bytes.length);
        return e.wal().logPageChange(b, RMGR, 1, 0, payload);
      } finally {
        b.unlatch();
      }
    }
  }

  /** Appends a new page to the relation (logged as an all-zero write so replay recreates it). */
  int extend(StorageEngine e) {
    int block;
    try (Buffer b = e.bufferPool().extend(REL)) {
      block = b.id().block();
    }
    write(e, block, 24, new byte[] {0});
    return block;
  }

  /** Page bytes after the header, for comparison with the model. */
  static byte[] body(StorageEngine e, int block) {
    try (Buffer b = e.bufferPool().pin(new PageId(REL, block))) {
      b.latchShared();
      try {
        byte[] out = new byte[SlottedPage.PAGE_SIZE - 24];
        System.arraycopy(b.data(), 24, out, 0, out.length);
        return out;
      } finally {
        b.unlatch();
      }
    }
  }

  byte[] expectedBody(int block) {
    byte[] out = new byte[SlottedPage.PAGE_SIZE - 24];
    System.arraycopy(model.get(block), 24, out, 0, out.length);
    return out;
  }
}
