package dev.parallax.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relation files: {@code base/<relation>} in the data directory, pages at {@code block * 8 KiB}.
 * Files grow in extents of {@link #EXTENT_BYTES} so that a table growing page by page does not
 * change the file size (and its metadata) on every write; blocks of the extent not yet written read
 * as all-zero (new) pages, which the heap initialises before use.
 */
final class FilePageStore implements PageStore {
  static final int EXTENT_BYTES = 16 * SlottedPage.PAGE_SIZE;
  private final Path base;
  private final Map<Integer, FileChannel> files = new ConcurrentHashMap<>();

  FilePageStore(Path directory) {
    this.base = directory.resolve("base");
    try {
      Files.createDirectories(base);
    } catch (IOException e) {
      throw io("create " + base, e);
    }
  }

  private FileChannel channel(int relation, boolean create) {
    FileChannel ch = files.get(relation);
    if (ch != null) {
      return ch;
    }
    Path p = base.resolve(Integer.toString(relation));
    if (!create && !Files.exists(p)) {
      throw new DatabaseException(SqlState.UNDEFINED_TABLE, "relation " + relation + " has no file " + p);
    }
    synchronized (files) {
      ch = files.get(relation);
      if (ch == null) {
        try {
          ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
          throw io("open " + p, e);
        }
        files.put(relation, ch);
      }
      return ch;
    }
  }

  @Override
  public void read(PageId id, byte[] into) {
    FileChannel ch = channel(id.relation(), false);
    ByteBuffer buf = ByteBuffer.wrap(into);
    long pos = (long) id.block() * SlottedPage.PAGE_SIZE;
    try {
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos + buf.position());
        if (n < 0) {
          java.util.Arrays.fill(into, buf.position(), into.length, (byte) 0);
          break;
        }
      }
    } catch (IOException e) {
      throw io("read " + id, e);
    }
  }

  @Override
  public void write(PageId id, byte[] page) {
    FileChannel ch = channel(id.relation(), false);
    long pos = (long) id.block() * SlottedPage.PAGE_SIZE;
    try {
      long size = ch.size();
      if (pos + SlottedPage.PAGE_SIZE > size) {
        long extentEnd = ((pos + SlottedPage.PAGE_SIZE + EXTENT_BYTES - 1) / EXTENT_BYTES) * EXTENT_BYTES;
        ch.write(ByteBuffer.wrap(new byte[1]), extentEnd - 1);
      }
      ByteBuffer buf = ByteBuffer.wrap(page);
      while (buf.hasRemaining()) {
        ch.write(buf, pos + buf.position());
      }
    } catch (IOException e) {
      throw io("write " + id, e);
    }
  }

  @Override
  public void create(int relation) {
    channel(relation, true);
  }

  @Override
  public void drop(int relation) {
    FileChannel ch;
    synchronized (files) {
      ch = files.remove(relation);
    }
    try {
      if (ch != null) {
        ch.close();
      }
      Files.deleteIfExists(base.resolve(Integer.toString(relation)));
    } catch (IOException e) {
      throw io("drop relation " + relation, e);
    }
  }

  @Override
  public boolean exists(int relation) {
    return files.containsKey(relation) || Files.exists(base.resolve(Integer.toString(relation)));
  }

  @Override
  public int storedBlocks(int relation) {
    if (!exists(relation)) {
      return 0;
    }
    try {
      return (int) (channel(relation, false).size() / SlottedPage.PAGE_SIZE);
    } catch (IOException e) {
      throw io("size of relation " + relation, e);
    }
  }

  @Override
  public void sync() {
    for (FileChannel ch : files.values()) {
      try {
        ch.force(false);
      } catch (IOException e) {
        throw io("fsync", e);
      }
    }
  }

  @Override
  public boolean checksums() {
    return true;
  }

  @Override
  public void close() {
    synchronized (files) {
      for (FileChannel ch : files.values()) {
        try {
          ch.close();
        } catch (IOException e) {
          // closing after a crash simulation or at shutdown: the data was synced or is recoverable
        }
      }
      files.clear();
    }
  }

  static DatabaseException io(String what, IOException e) {
    return new DatabaseException(SqlState.IO_ERROR, "could not " + what + ": " + e.getMessage(), e);
  }
}
